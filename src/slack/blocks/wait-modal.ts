/**
 * The modal shown while a preview is still being read from AWS (a trigger_id lives 3 s; a preview may take
 * longer), and what replaces it when the service refuses. Neither has a submit button.
 */
import { context, plain, section, type ModalView } from './kit.js';

export function waitingModal(title: string, text: string): ModalView {
  return {
    type: 'modal',
    title: plain(title, 24),
    close: plain('Close', 24),
    blocks: [section(`:hourglass_flowing_sand: ${text}`), context('This takes a few seconds.')],
  };
}

/** `message` is the service's refusal, already safe mrkdwn. */
export function refusedModal(title: string, message: string): ModalView {
  return {
    type: 'modal',
    title: plain(title, 24),
    close: plain('Close', 24),
    blocks: [section(`:warning: ${message}`)],
  };
}
