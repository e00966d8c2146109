/**
 * The console draws the bot's Block Kit as Slack does, and never lets text from a message or a person become
 * markup.
 */
import { describe, expect, it } from 'vitest';
import {
  attachmentColor,
  renderHome,
  renderMessage,
  renderModal,
  renderMrkdwn,
  type RenderContext,
} from '../../src/console/render/index.js';
import { approvalCard } from '../../src/slack/blocks/approval-card.js';
import { breakGlassCard } from '../../src/slack/blocks/break-glass.js';
import { messageContent } from '../../src/slack/blocks/kit.js';
import { homeView } from '../../src/slack/blocks/home.js';
import { offboardModal } from '../../src/slack/blocks/offboard-modal.js';
import { onboardModal } from '../../src/slack/blocks/onboard-modal.js';
import { requestModal } from '../../src/slack/blocks/request-modal.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { OPTIONS, offboardingPreview, requestView } from '../support/slack-fixtures.js';

const ctx: RenderContext = {
  userName: (id) => ({ U0000LEAD1: 'Lena Lead' })[id],
  channelName: (id) => ({ C0000APPROV: 'access-approvals' })[id],
  people: () => [
    { id: 'U0000SAM01', name: 'Sam Developer' },
    { id: 'U0000LEAD1', name: 'Lena Lead' },
  ],
};

/** What a data-* attribute holds, unescaped as the browser reads it. */
function dataOf(html: string, attribute: string): string[] {
  return [...html.matchAll(new RegExp(`${attribute}="([^"]*)"`, 'g'))].map((m) =>
    (m[1] ?? '').replace(/&#(\d+);/g, (_all, code: string) => String.fromCharCode(Number(code))),
  );
}

/** The text a person sees: tags dropped, the escapes the browser undoes undone. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_all, code: string) => String.fromCharCode(Number(code)))
    .replace(/\s+/g, ' ')
    .trim();
}

const section = (text: string, accessory?: Record<string, unknown>): Record<string, unknown> => ({
  type: 'section',
  block_id: 'b1',
  text: { type: 'mrkdwn', text },
  ...(accessory !== undefined ? { accessory } : {}),
});
const option = (value: string, text = value): Record<string, unknown> => ({
  text: { type: 'plain_text', text },
  value,
});

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

  it('does not format inside code', () => {
    expect(renderMrkdwn('`*not bold*` and *bold*', ctx)).toBe('<code>*not bold*</code> and <b>bold</b>');
  });

  it('bolds a mention or a link wrapped in asterisks', () => {
    expect(renderMrkdwn('*<@U0000LEAD1>* approved', ctx)).toBe(
      '<b><span class="bk-mention">@Lena Lead</span></b> approved',
    );
    expect(renderMrkdwn('_<https://example.com|the docs>_', ctx)).toBe(
      '<i><a href="https://example.com" target="_blank" rel="noopener noreferrer">the docs</a></i>',
    );
  });

  it('names mentioned people and channels, and links only web and mail addresses', () => {
    expect(renderMrkdwn('<@U0000LEAD1> in <#C0000APPROV>', ctx)).toContain('@Lena Lead');
    expect(renderMrkdwn('<@U0000LEAD1> in <#C0000APPROV>', ctx)).toContain('#access-approvals');
    expect(renderMrkdwn('<https://example.awsapps.com/start|the portal>', ctx)).toContain(
      '<a href="https://example.awsapps.com/start" target="_blank" rel="noopener noreferrer">the portal</a>',
    );
    expect(renderMrkdwn('<mailto:it@example.com|IT>', ctx)).toContain('href="mailto:it@example.com"');
    expect(renderMrkdwn('<javascript:alert(1)|click>', ctx)).toBe('click');
  });

  it('shows someone it does not know by their id, and a channel by its label first', () => {
    expect(visibleText(renderMrkdwn('<@U0000NOBODY>', ctx))).toBe('@U0000NOBODY');
    expect(visibleText(renderMrkdwn('<#C0000OTHER|random>', ctx))).toBe('#random');
    expect(visibleText(renderMrkdwn('<#C0000OTHER>', ctx))).toBe('#C0000OTHER');
  });

  it('shows @here, @channel and a user group by name', () => {
    expect(visibleText(renderMrkdwn('<!here> <!channel> <!subteam^S0001|@leads>', ctx))).toBe(
      '@here @channel @leads',
    );
  });

  it('shows a date by its UTC fallback, in a time element the page shows in the reader’s own time zone', () => {
    expect(
      renderMrkdwn('lapses <!date^1772528400^{date_short_pretty} {time}|2026-03-03 09:00 UTC>', ctx),
    ).toBe(
      'lapses <time class="bk-when" datetime="2026-03-03T09:00:00.000Z" data-format="{date_short_pretty} {time}" title="2026-03-03 09:00 UTC">2026-03-03 09:00 UTC</time>',
    );
  });

  it('shows a date token that is not one (no number, no format, a script for a link) as its fallback text only', () => {
    expect(renderMrkdwn('<!date^soon^{time}|later>', ctx)).toBe('later');
    expect(renderMrkdwn('<!date^1772528400^|later>', ctx)).toBe('later');
    const linked = renderMrkdwn('<!date^1772528400^{time}^javascript:alert(1)|at 09:00>', ctx);
    expect(linked).not.toContain('<a');
    expect(linked).not.toContain('javascript');
    expect(visibleText(linked)).toBe('at 09:00');
  });

  it('draws bullet lines as list items, each on its own line', () => {
    const html = renderMrkdwn('Groups:\n• *ReadOnly*\n- Billing', ctx);
    expect(html).toBe(
      'Groups:<br><span class="bk-li">• <b>ReadOnly</b></span><br><span class="bk-li">• Billing</span>',
    );
  });

  it("shows Slack's escapes as the characters they stand for", () => {
    expect(visibleText(renderMrkdwn('a &lt;b&gt; &amp; c', ctx))).toBe('a <b> & c');
  });

  it('shows markup typed by a person as text', () => {
    const html = renderMrkdwn('&lt;script&gt;alert(1)&lt;/script&gt; <img src=x onerror=alert(1)>', ctx);
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&#60;script&#62;');
  });

  it('shows emoji codes the bot uses as emoji', () => {
    expect(renderMrkdwn(':white_check_mark: done :not_an_emoji:', ctx)).toBe('✅ done :not_an_emoji:');
  });

  it('shows the break-glass siren, the on-call pager and the scheduled calendar as emoji, not as codes', () => {
    expect(renderMrkdwn(':rotating_light: broke glass · :pager: on call · :calendar: scheduled', ctx)).toBe(
      '🚨 broke glass · 📟 on call · 📆 scheduled',
    );
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

  it('gives each button its value, for the click the page sends', () => {
    const html = renderMessage(approvalCard(requestView()), ctx);
    expect(dataOf(html, 'data-value')).toEqual(['R-7K2Q9D', 'R-7K2Q9D']);
  });

  it('asks production approvals for a second look: the Approve button carries its confirm dialog, its text drawn', () => {
    const html = renderMessage(approvalCard(requestView()), ctx);
    const [confirm] = dataOf(html, 'data-confirm');
    expect(JSON.parse(confirm ?? '{}')).toMatchObject({
      title: { text: 'Approve production access?' },
      confirm: { text: 'Approve' },
      deny: { text: 'Not yet' },
    });
    const [text] = dataOf(html, 'data-confirm-html');
    expect(text).toContain('<b>SeniorDeveloper</b> on production (prod)');
    expect(text).toContain('<span class="bk-mention">@U0000SAMDEV</span>');
  });

  it('shows a reason containing <script> on the approval card as text', () => {
    const reason = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
    const html = renderMessage(approvalCard(requestView({ reason })), ctx);
    expect(html).not.toMatch(/<script|<img/);
    expect(visibleText(html)).toContain(reason);
  });

  it('shows a message without blocks by its text, and a shared file as a download', () => {
    const html = renderMessage(
      { text: 'Audit ready', files: [{ id: 'F0000000001', name: 'audit.csv', title: 'Audit <today>' }] },
      ctx,
    );
    expect(html).toContain('Audit ready');
    expect(html).toContain('href="/console/api/files/F0000000001"');
    expect(html).toContain('download="audit.csv"');
    expect(html).toContain('Audit &#60;today&#62;');
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
              { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'Go' }, value: '"><b>' },
            ],
          },
        ],
      },
      ctx,
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('data-block-id="x&#34;&#62;&#60;script&#62;"');
    expect(dataOf(html, 'data-value')).toEqual(['"><b>']);
  });

  it('draws a header, fields, a divider and context under each other', () => {
    const html = renderMessage(
      {
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Access request' } },
          {
            type: 'section',
            fields: [
              { type: 'mrkdwn', text: '*Requester*\n<@U0000LEAD1>' },
              { type: 'plain_text', text: '*not bold*' },
            ],
          },
          { type: 'divider' },
          {
            type: 'context',
            elements: [
              { type: 'mrkdwn', text: 'Needs *1*' },
              { type: 'image', image_url: 'https://example.com/a.png', alt_text: 'a' },
              { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'b' },
            ],
          },
        ],
      },
      ctx,
    );
    expect(html).toContain('<div class="bk-header">Access request</div>');
    expect(html).toContain(
      '<div class="bk-field"><b>Requester</b><br><span class="bk-mention">@Lena Lead</span></div>',
    );
    expect(html).toContain('<div class="bk-field">*not bold*</div>');
    expect(html).toContain('<hr class="bk-divider">');
    expect(html).toContain('<span>Needs <b>1</b></span>');
    expect(html).toContain('<img class="bk-image" src="https://example.com/a.png" alt="a">');
    expect(html).not.toContain('javascript:');
  });

  it("draws a section's accessory: a button, an overflow menu, a select or an image", () => {
    const button = renderMessage(
      {
        blocks: [
          section('Extend?', {
            type: 'button',
            action_id: 'extend',
            text: { type: 'plain_text', text: 'Extend' },
            value: 'G-1',
          }),
        ],
      },
      ctx,
    );
    expect(button).toMatch(
      /<div class="bk-accessory"><button type="button" class="bk-button"[^>]*data-action-id="extend"/,
    );

    const overflow = renderMessage(
      {
        blocks: [
          section('More', {
            type: 'overflow',
            action_id: 'more',
            options: [option('a', 'First'), option('b', 'Second')],
          }),
        ],
      },
      ctx,
    );
    expect(overflow).toMatch(
      /<select class="bk-select" data-block-id="b1" data-action-id="more" data-kind="overflow">/,
    );
    expect(visibleText(overflow)).toContain('⋯ First Second');

    const select = renderMessage(
      {
        blocks: [
          section('Pick', {
            type: 'static_select',
            action_id: 'pick',
            option_groups: [
              { label: { type: 'plain_text', text: 'Hours' }, options: [option('1h'), option('2h')] },
            ],
            initial_option: option('2h'),
          }),
        ],
      },
      ctx,
    );
    expect(select).toContain('<optgroup label="Hours">');
    expect(select).toMatch(/<option value="2h" data-option="[^"]+" selected>2h<\/option>/);

    const image = renderMessage(
      {
        blocks: [
          section('Logo', { type: 'image', image_url: 'https://example.com/logo.png', alt_text: 'logo' }),
        ],
      },
      ctx,
    );
    expect(image).toContain('<img class="bk-image" src="https://example.com/logo.png" alt="logo">');
  });

  it('draws an actions block with a link button, selects, a date picker, checkboxes and radio buttons', () => {
    const html = renderMessage(
      {
        blocks: [
          {
            type: 'actions',
            block_id: 'acts',
            elements: [
              {
                type: 'button',
                action_id: 'docs',
                text: { type: 'plain_text', text: 'Docs' },
                url: 'https://example.com/docs',
              },
              { type: 'users_select', action_id: 'who', initial_user: 'U0000LEAD1' },
              {
                type: 'multi_static_select',
                action_id: 'many',
                options: [option('a'), option('b')],
                initial_options: [option('b')],
              },
              { type: 'datepicker', action_id: 'when', initial_date: '2026-12-01' },
              {
                type: 'checkboxes',
                action_id: 'ticks',
                options: [option('x'), option('y')],
                initial_options: [option('y')],
              },
              {
                type: 'radio_buttons',
                action_id: 'one',
                options: [option('p'), option('q')],
                initial_option: option('p'),
              },
            ],
          },
        ],
      },
      ctx,
    );
    expect(html).toMatch(/<a class="bk-button" href="https:\/\/example.com\/docs" target="_blank"/);
    expect(html).toContain('<option value="U0000LEAD1" selected>Lena Lead</option>');
    expect(html).toMatch(/<select class="bk-select" multiple [^>]*data-action-id="many"/);
    expect(html).toMatch(/<option value="b" data-option="[^"]+" selected>b<\/option>/);
    expect(html).toMatch(/<input type="date" class="bk-date" value="2026-12-01"[^>]*data-action-id="when"/);
    expect(html).toMatch(/<input type="checkbox" name="acts\/ticks" value="y" data-option="[^"]+" checked>/);
    expect(html).toMatch(/<input type="checkbox" name="acts\/ticks" value="x" data-option="[^"]+">/);
    expect(html).toMatch(/<input type="radio" name="acts\/one" value="p" data-option="[^"]+" checked>/);
  });

  it('carries each option as Block Kit, so the page can send it back as Slack would', () => {
    const html = renderMessage(
      {
        blocks: [
          section('Pick', {
            type: 'static_select',
            action_id: 'pick',
            options: [option('4h', 'Four "hours"')],
          }),
        ],
      },
      ctx,
    );
    expect(dataOf(html, 'data-option').map((o) => JSON.parse(o) as unknown)).toEqual([
      option('4h', 'Four "hours"'),
    ]);
  });

  it('draws simple rich text: styled words, links, mentions, lists, quotes and code', () => {
    const html = renderMessage(
      {
        blocks: [
          {
            type: 'rich_text',
            elements: [
              {
                type: 'rich_text_section',
                elements: [
                  { type: 'text', text: 'Hi ' },
                  { type: 'user', user_id: 'U0000LEAD1' },
                  { type: 'text', text: ' see ', style: { bold: true } },
                  { type: 'link', url: 'https://example.com', text: 'this' },
                ],
              },
              {
                type: 'rich_text_list',
                style: 'bullet',
                elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'one <two>' }] }],
              },
              { type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted' }] },
              { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'aws sso login' }] },
            ],
          },
        ],
      },
      ctx,
    );
    expect(html).toContain('@Lena Lead');
    expect(html).toContain('<b> see </b>');
    expect(html).toContain(
      '<a href="https://example.com" target="_blank" rel="noopener noreferrer">this</a>',
    );
    expect(html).toContain('<ul class="bk-list"><li>one &#60;two&#62;</li></ul>');
    expect(html).toContain('<blockquote>quoted</blockquote>');
    expect(html).toContain('<pre>aws sso login</pre>');
  });
});

describe('message attachments', () => {
  const glassView = () =>
    requestView(
      {
        status: 'active',
        requiredApprovals: 0,
        details: { breakGlass: { allowedBy: [3], perDay: 1, told: ['U0000LEAD1'] } },
      },
      { approvalsNeeded: 0 },
    );

  it('draws the break-glass card as Slack does: a red bar down the left, its blocks and buttons beside it', () => {
    const card = breakGlassCard(glassView())!;
    const html = renderMessage(messageContent(card), ctx);
    expect(html).toContain(
      '<div class="bk-attachment" data-color="#E01E5A"><div class="bk-attachment-bar" style="background-color: #E01E5A"></div><div class="bk-attachment-body">',
    );
    const inside = html.slice(html.indexOf('bk-attachment-body'));
    expect(visibleText(inside)).toContain('🚨 Break-glass R-7K2Q9D');
    // The buttons are drawn exactly as top-level ones: same block id, action id and value for the click.
    expect(inside).toMatch(/class="bk-button bk-primary"[^>]*data-action-id="break_glass_reviewed"/);
    expect(dataOf(inside, 'data-block-id')).toEqual(['breakglass:R-7K2Q9D']);
    expect(dataOf(inside, 'data-value')).toEqual(['R-7K2Q9D']);
    const topLevel = renderMessage({ text: card.text, blocks: card.blocks }, ctx);
    expect(topLevel.slice(topLevel.indexOf('bk-actions'))).toBe(html.slice(html.indexOf('bk-actions'), -12));
    expect(renderMessage({ text: card.text, blocks: card.blocks }, ctx)).not.toContain('bk-attachment');
  });

  it('shows the text above the attachments when the message has no blocks, and nothing empty without text', () => {
    const attachments = [{ color: 'good', blocks: [section('inside')] }];
    const withText = renderMessage({ text: 'the *summary*', attachments }, ctx);
    expect(withText.indexOf('<b>summary</b>')).toBeGreaterThan(-1);
    expect(withText.indexOf('<b>summary</b>')).toBeLessThan(withText.indexOf('bk-attachment'));
    expect(renderMessage({ text: '', attachments }, ctx)).toMatch(
      /^<div class="bk-blocks"><div class="bk-attachment"/,
    );
  });

  it('takes Slack’s named colours and hex only, so nothing else reaches the style; legacy text when no blocks', () => {
    expect(attachmentColor('danger')).toBe('#E01E5A');
    expect(attachmentColor('good')).toBe('#2EB67D');
    expect(attachmentColor('warning')).toBe('#ECB22E');
    expect(attachmentColor('36a64f')).toBe('#36A64F');
    expect(attachmentColor('#e01e5a')).toBe('#E01E5A');
    expect(attachmentColor('red; background-image: url(x)')).toBe('#DDDDDD');
    expect(attachmentColor(undefined)).toBe('#DDDDDD');
    const html = renderMessage(
      { text: '', attachments: [{ color: '"><script>x</script>', text: 'hi & *bye*' }] },
      ctx,
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('background-color: #DDDDDD');
    expect(visibleText(html)).toBe('hi & bye');
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

  it('draws the request modal with its searchable permission set and accounts, and the prefilled duration and reason', () => {
    const view = requestModal(
      { permissionSet: 'Developer', accounts: ['dev', 'staging'], reason: 'incident <4711>' },
      OPTIONS,
    ) as unknown as Record<string, unknown>;
    const html = renderModal({ ...view, id: 'V0000000002' }, ctx);
    expect(html).toMatch(
      new RegExp(
        `<div class="bk-external" [^>]*data-action-id="${ACTION.pickPermissionSet}" data-kind="external_select"[^>]*data-multi="false"`,
      ),
    );
    expect(html).toMatch(
      new RegExp(
        `<div class="bk-external" [^>]*data-action-id="${ACTION.pickAccounts}" data-kind="multi_external_select"[^>]*data-multi="true"`,
      ),
    );
    // The prefilled choices show as chips, each carrying its option.
    const chips = [...html.matchAll(/<span class="bk-chip" data-option="([^"]*)">([^<]*)</g)].map(
      (m) => m[2],
    );
    expect(chips).toEqual(
      expect.arrayContaining(['Developer', 'dev (111111111111)', 'staging (222222222222)']),
    );
    expect(html).toMatch(
      new RegExp(
        `<textarea [^>]*data-action-id="${ACTION.typeReason}"[^>]*>incident &#60;4711&#62;</textarea>`,
      ),
    );
    expect(html).toContain('>Request</button>');
    expect(html).toContain('>Cancel</button>');
    // Access ahead of time: a start day and a time, said to be UTC as Slack shows the picker's time zone.
    expect(html).toMatch(new RegExp(`<input type="date" [^>]*data-action-id="${ACTION.pickStartDate}"`));
    expect(html).toMatch(
      new RegExp(
        `<input type="time" [^>]*data-action-id="${ACTION.pickStartTime}"[^>]*> <span class="bk-hint">UTC</span>`,
      ),
    );
  });

  it("draws the offboarding modal's checkbox for the legacy IAM user, with its description", () => {
    const view = offboardModal(offboardingPreview(), { who: 'kim.leaver@example.com' }) as unknown as Record<
      string,
      unknown
    >;
    const html = renderModal(view, ctx);
    expect(html).toMatch(
      new RegExp(
        `<div class="bk-choices" [^>]*data-action-id="${ACTION.checkLegacyCleanup}" data-kind="checkboxes"`,
      ),
    );
    expect(html).toMatch(/<input type="checkbox"[^>]*>/);
    expect(html).toContain('class="bk-option-description"');
  });

  it('draws every kind of input with what it starts with, its hint, and whether it acts at once', () => {
    const input = (
      blockId: string,
      element: Record<string, unknown>,
      extra: Record<string, unknown> = {},
    ) => ({
      type: 'input',
      block_id: blockId,
      label: { type: 'plain_text', text: `Label ${blockId}` },
      element: { action_id: `a_${blockId}`, ...element },
      ...extra,
    });
    const html = renderModal(
      {
        type: 'modal',
        id: 'V0000000003',
        title: { type: 'plain_text', text: 'All inputs' },
        blocks: [
          input(
            't',
            { type: 'plain_text_input', initial_value: 'typed "text"', max_length: 50 },
            {
              hint: { type: 'plain_text', text: 'A hint <b>' },
              dispatch_action: true,
            },
          ),
          input(
            'm',
            { type: 'plain_text_input', multiline: true, initial_value: 'line 1\nline 2' },
            { optional: true },
          ),
          input('s', {
            type: 'static_select',
            options: [option('a'), option('b')],
            initial_option: option('b'),
          }),
          input('e', { type: 'external_select', initial_option: option('x', 'Ex') }),
          input('u', { type: 'multi_users_select', initial_users: ['U0000SAM01', 'U0000LEAD1'] }),
          input('d', { type: 'datepicker', initial_date: '2026-12-24' }),
          input('r', {
            type: 'radio_buttons',
            options: [option('p'), option('q')],
            initial_option: option('q'),
          }),
          input('z', { type: 'email_text_input' }),
        ],
      },
      ctx,
    );
    expect(html).toMatch(/data-input-block="t" data-dispatch="true"/);
    expect(html).toMatch(
      /<input type="text" class="bk-text-input" value="typed &#34;text&#34;" maxlength="50"[^>]*data-action-id="a_t"/,
    );
    expect(html).toContain('<div class="bk-hint">A hint &#60;b&#62;</div>');
    expect(html).toMatch(
      /<textarea class="bk-text-input" rows="3" [^>]*data-action-id="a_m"[^>]*>line 1\nline 2<\/textarea>/,
    );
    expect(html).toMatch(
      /<label class="bk-label">Label m <span class="bk-optional">\(optional\)<\/span><\/label>/,
    );
    expect(html).toMatch(/<option value="b" data-option="[^"]+" selected>b<\/option>/);
    expect(html).toMatch(/<span class="bk-chip" data-option="[^"]+">Ex</);
    expect(html).toMatch(
      /<select class="bk-select" multiple [^>]*data-action-id="a_u"[^>]*><option value="U0000SAM01" selected>Sam Developer<\/option><option value="U0000LEAD1" selected>/,
    );
    expect(html).toContain('value="2026-12-24"');
    expect(html).toMatch(/<input type="radio" name="r\/a_r" value="q" data-option="[^"]+" checked>/);
    expect(html).toContain('[unsupported element: email_text_input input]');
    // No submit button when the view has none; Cancel closes it.
    expect(html).not.toContain('bk-submit');
    expect(html).toContain('<button type="button" class="bk-button bk-close">Cancel</button>');
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
    expect(html).toContain('data-view-id="V0000000009"');
    expect(html).toContain('<div class="bk-header">My access</div>');
  });

  it("draws the bot's Home tab with the request waiting for the lead and its Approve and Deny buttons", () => {
    const view = homeView({
      mine: [],
      awaitingMe: [
        requestView({ requesterSlackId: 'U0000SAM01', accounts: [{ alias: 'dev', id: '111111111111' }] }),
      ],
    }) as unknown as Record<string, unknown>;
    const html = renderHome({ ...view, id: 'V0000000010' }, ctx);
    expect(html).toContain('R-7K2Q9D');
    expect(html).toMatch(/class="bk-button bk-primary"[^>]*data-action-id="approve_request"/);
    expect(visibleText(html)).not.toMatch(/[<>]/);
  });
});
