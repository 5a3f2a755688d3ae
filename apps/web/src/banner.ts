/**
 * The error line above the composer. It is part of the page flow, so showing it shrinks the
 * message list instead of covering its last line; a reader at the bottom stays at the bottom.
 */
export class Banner {
  constructor(
    private readonly element: HTMLElement,
    private readonly text: HTMLElement,
    dismiss: HTMLElement,
    private readonly messages: HTMLElement,
  ) {
    dismiss.addEventListener('click', () => this.hide());
  }

  show(message: string): void {
    const atBottom = this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < 80;
    this.text.textContent = message;
    this.element.hidden = false;
    if (atBottom) this.messages.scrollTop = this.messages.scrollHeight;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
