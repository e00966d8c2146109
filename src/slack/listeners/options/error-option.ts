import type { SelectOption } from '../../blocks/kit.js';

/**
 * An options request can only answer with options, so a failure is told as one: picking it fails the modal's
 * validation (it names nothing configured) and the person has the reference to give an admin.
 */
export const errorOption = (reference: string): SelectOption => ({
  text: { type: 'plain_text', text: `Something went wrong (${reference})` },
  value: `error:${reference}`,
});
