// bench:loadgen's target, in a process of its own: HTTP answers 201 at once; WebSocket clients
// get PUSH_PER_SECOND frames a second in total (spread over the open sockets) once PUSH_AFTER_MS has passed.
const http = require('node:http');
const { WebSocketServer } = require('ws');

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"seq":1}'));
});
const wss = new WebSocketServer({ server });
const sockets = new Set();
wss.on('connection', (ws) => {
  sockets.add(ws);
  ws.on('close', () => sockets.delete(ws));
});
const perSecond = Number(process.env.PUSH_PER_SECOND || 0);
const frame = JSON.stringify({
  type: 'message',
  roomId: 'artist-bench',
  seq: 1,
  senderId: 'a',
  senderName: 'A',
  clientMessageId: 'm',
  body: 'new single out now',
  sentAt: new Date().toISOString(),
});
let sent = 0;
const started = Date.now();
if (perSecond > 0) {
  setInterval(() => {
    if (Date.now() - started < Number(process.env.PUSH_AFTER_MS || 0) || sockets.size === 0) return;
    // Every 10 ms a tenth of a hundredth of the rate, round-robin over the sockets.
    const batch = Math.round(perSecond / 100);
    const all = [...sockets];
    for (let i = 0; i < batch; i++) {
      all[(sent + i) % all.length].send(frame);
    }
    sent += batch;
  }, 10);
}
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'sent') process.send?.({ sent });
});
