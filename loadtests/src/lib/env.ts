import { SharedArray } from 'k6/data';

/** Run configuration from -e flags; a missing WS_URL is an error, not a silent default. */
export function wsUrl(): string {
  const url = __ENV['WS_URL'];
  if (!url || !/^wss?:\/\//.test(url)) throw new Error('WS_URL must be set to the ws:// or wss:// API URL (see docs/load-testing.md)');
  return url;
}

interface SeededUsers {
  artist: { userId: string; token: string };
  artists: { userId: string; token: string }[];
  followers: { userId: string; token: string }[];
}

/** The broadcast API's base URL (http:// or https://). */
export function broadcastUrl(): string {
  const url = __ENV['BROADCAST_URL'];
  if (!url || !/^https?:\/\//.test(url)) throw new Error('BROADCAST_URL must be set to the broadcast API (see docs/load-testing.md)');
  return url.replace(/\/$/, '');
}

/**
 * The fleet's admission past the target WAF's per-IP rate rule, when a fleet task runs this
 * (FLEET_ADMISSION_HEADER and FLEET_ADMISSION in its environment, never -e flags); else none.
 */
export function admissionHeaders(): Record<string, string> {
  const header = __ENV['FLEET_ADMISSION_HEADER'];
  const secret = __ENV['FLEET_ADMISSION'];
  return header && secret ? { [header]: secret } : {};
}

/** Artists with role "artist", for posting through the broadcast API. */
export function seededArtists(file = __ENV['USERS_FILE']): { length: number; [index: number]: { userId: string; token: string } } {
  if (!file) throw new Error('USERS_FILE must point at the seeded users (npx nx run loadgen:seed)');
  return new SharedArray('artists', () => (JSON.parse(open(file)) as SeededUsers).artists);
}

/**
 * Tokens written by the seed target (index 0 is the artist), loaded once and shared
 * read-only across VUs: VUs index into it, they never copy it.
 */
export class Users {
  private readonly tokens: string[];
  private readonly artistIds: string[];

  constructor(file = __ENV['USERS_FILE']) {
    if (!file) throw new Error('USERS_FILE must point at the seeded users (npx nx run loadgen:seed)');
    this.tokens = new SharedArray<string>('users', () => {
      const seeded = JSON.parse(open(file)) as SeededUsers;
      return [seeded.artist.token, ...seeded.followers.map((f) => f.token)];
    });
    if (this.tokens.length < 2) throw new Error(`${file} holds no followers`);
    this.artistIds = new SharedArray<string>('artist-id', () => [(JSON.parse(open(file)) as SeededUsers).artist.userId]);
  }

  /** The user id of the artist whose token is `artist`. */
  get artistId(): string {
    return this.artistIds[0] as string;
  }

  get artist(): string {
    return this.tokens[0] as string;
  }

  /** Followers are reused round-robin when a run needs more sockets than seeded users. */
  follower(index: number): string {
    return this.tokens[1 + (index % (this.tokens.length - 1))] as string;
  }
}
