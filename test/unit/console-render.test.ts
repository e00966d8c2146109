/**
 * The console draws the bot's Block Kit as Slack does, and never lets text from a message or a person become
 * markup.
 */
import { describe, expect, it } from 'vitest';
import {
  renderHome,
  renderMessage,
  renderModal,
  renderMrkdwn,
  type RenderContext,
} from '../../src/console/render/index.js';
import { approvalCard } from '../../src/slack/blocks/approval-card.js';
import { onboardModal } from '../../src/slack/blocks/onboard-modal.js';
import { BLOCK } from '../../src/slack/ids.js';
import { requestView } from '../support/slack-fixtures.js';

const ctx: RenderContext = {
  userName: (id) => ({ U0000LEAD1: 'Lena Lead' })[id],
  channelName: (id) => ({ C0000APPROV: 'access-approvals' })[id],
  people: () => [
    { id: 'U0000SAM01', name: 'Sam Developer' },
    { id: 'U0000LEAD1', name: 'Lena Lead' },
  ],
};

describe('mrkdwn', () => {
  it('draws bold, italic, strike, code, quotes and preformatted text', () => {
    expect(renderMrkdwn('*bold* _italic_ ~gone~ `code`', ctx)).toBe(
      '<b>bold</b> <i>italic</i> <s>gone</s> <code>code</code>',
    );
    expect(renderMrkdwn('*Reason*\n>fixing it', ctx)).toBe('<b>Reason</b><blockquote>fixing it</blockquote>');
    expect(renderMrkdwn('```a *b*```', ctx)).toBe('<pre>a *b*</pre>');
  });

  it('leaves underscores inside words alone', () => {
    expect(renderMrkdwn('kim_leaver and snake_case_name', ctx)).toBe('kim_leaver and snake_case_name');
  });

  it('names mentioned people and channels, and links only web and mail addresses', () => {
    expect(renderMrkdwn('<@U0000LEAD1> in <#C0000APPROV>', ctx)).toContain('@Lena Lead');
    expect(renderMrkdwn('<@U0000LEAD1> in <#C0000APPROV>', ctx)).toContain('#access-approvals');
    expect(renderMrkdwn('<https://example.awsapps.com/start|the portal>', ctx)).toContain(
      '<a href="https://example.awsapps.com/start" target="_blank" rel="noopener noreferrer">the portal</a>',
    );
    expect(renderMrkdwn('<javascript:alert(1)|click>', ctx)).toBe('click');
  });

  it('shows a date by its fallback text', () => {
    expect(renderMrkdwn('lapses <!date^1772528400^{date_short_pretty}|2026-03-03 09:00 UTC>', ctx)).toBe(
      'lapses 2026-03-03 09:00 UTC',
    );
  });

  it('shows markup typed by a person as text', () => {
    const html = renderMrkdwn('&lt;script&gt;alert(1)&lt;/script&gt; <img src=x onerror=alert(1)>', ctx);
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&#60;script&#62;');
  });
});

describe('messages', () => {
  it('draws the approval card with its Approve button in primary style and Deny in danger style', () => {
    const card = approvalCard(requestView());
    const html = renderMessage(card, ctx);
    expect(html).toMatch(
      /<button type="button" class="bk-button bk-primary" data-block-id="[^"]+" data-action-id="approve_request"/,
    );
    expect(html).toMatch(/class="bk-button bk-danger"[^>]*data-action-id="deny_request"/);
    expect(html).toContain('fixing incident 4711');
  });

  it('shows a message without blocks by its text, and a shared file as a download', () => {
    const html = renderMessage(
      { text: 'Audit ready', files: [{ id: 'F0000000001', name: 'audit.csv' }] },
      ctx,
    );
    expect(html).toContain('Audit ready');
    expect(html).toContain('href="/console/api/files/F0000000001"');
  });

  it('names a block it cannot draw rather than dropping it', () => {
    expect(renderMessage({ blocks: [{ type: 'video' }] }, ctx)).toContain('[unsupported block: video]');
  });

  it('escapes text in attributes and plain text', () => {
    const html = renderMessage(
      {
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: '<b>"hi"</b>' } },
          {
            type: 'actions',
            block_id: 'x"><script>',
            elements: [
              { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'Go' }, value: 'v' },
            ],
          },
        ],
      },
      ctx,
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>"hi"</b>');
    expect(html).toContain('data-block-id="x&#34;&#62;&#60;script&#62;"');
  });
});

describe('modals and the Home tab', () => {
  const onboarding = onboardModal(
    {},
    { developer: { description: 'Software engineer', groups: ['ReadOnly'], assignments: [] } },
  ) as unknown as Record<string, unknown>;

  it('draws the onboarding modal with its inputs, labels, optional marks, submit and close', () => {
    const html = renderModal({ ...onboarding, id: 'V0000000001' }, ctx);
    expect(html).toContain('data-view-id="V0000000001"');
    expect(html).toContain('Work email');
    expect(html).toContain('(optional)');
    expect(html).toMatch(/<input type="text" class="bk-text-input"[^>]*data-action-id="type_email"/);
    expect(html).toContain('class="bk-button bk-primary bk-submit"');
    expect(html).toContain('class="bk-button bk-close"');
    expect(html).toContain('<option value="U0000SAM01">Sam Developer</option>');
    expect(html).toMatch(/<input type="date"/);
  });

  it('shows a field error under its field', () => {
    const html = renderModal(onboarding, ctx, { [BLOCK.email]: 'Use a work address <at example.com>' });
    expect(html).toMatch(
      new RegExp(
        `data-input-block="${BLOCK.email}"[\\s\\S]*?<div class="bk-error" role="alert">Use a work address &#60;at example.com&#62;</div>`,
      ),
    );
  });

  it('draws the Home tab from its blocks', () => {
    const html = renderHome(
      {
        id: 'V0000000009',
        type: 'home',
        blocks: [{ type: 'header', text: { type: 'plain_text', text: 'My access' } }],
      },
      ctx,
    );
    expect(html).toContain('<div class="bk-header">My access</div>');
  });
});
