import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { AwsOutcome, Mailer } from '../access/ports.js';
import type { EmailMessage } from '../domain/identity.js';
import { send, type CallContext } from './call.js';
import { failure, safeAwsMessage } from './errors.js';

const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });

/** Sends through SES v2, with a plain-text and an HTML part. */
export class SesMailer implements Mailer {
  constructor(
    private readonly ctx: CallContext,
    private readonly client: SESv2Client,
  ) {}

  async send(message: EmailMessage): Promise<AwsOutcome<{ messageId: string }>> {
    // Not safe to repeat after an unknown outcome: the person could get the email twice.
    const sent = await send(this.ctx, { service: 'sesv2', operation: 'SendEmail', safeToRetry: false }, () =>
      this.client.send(
        new SendEmailCommand({
          FromEmailAddress: message.from,
          Destination: {
            ToAddresses: message.to,
            ...(message.cc.length > 0 ? { CcAddresses: message.cc } : {}),
          },
          Content: {
            Simple: {
              Subject: utf8(message.subject),
              Body: { Text: utf8(message.text), Html: utf8(message.html) },
            },
          },
        }),
      ),
    );
    if (sent.ok) {
      const messageId = sent.value.MessageId ?? '';
      this.ctx.logger.info({ messageId, recipients: message.to.length + message.cc.length }, 'email sent');
      return { ok: true, value: { messageId } };
    }
    const said = sent.error instanceof Error ? ` AWS said: ${safeAwsMessage(sent.error.message)}` : '';
    switch (sent.name) {
      case 'MessageRejected':
        return {
          ok: false,
          error: failure(
            'invalid_input',
            `SES refused the email: the sender ${message.from} must be a verified identity in SES (the address or its domain), and while the SES account is in the sandbox every recipient must be verified too.${said}`,
            { field: 'from', resource: message.from },
          ),
        };
      case 'MailFromDomainNotVerifiedException':
        return {
          ok: false,
          error: failure(
            'invalid_input',
            `SES refused the email: the MAIL FROM domain of ${message.from} is not verified.${said}`,
            {
              field: 'from',
              resource: message.from,
            },
          ),
        };
      case 'AccountSuspendedException':
      case 'SendingPausedException':
        return {
          ok: false,
          error: failure(
            'aws_error',
            `SES is not sending email for this account right now (${sent.name}); check the SES console.${said}`,
          ),
        };
      default:
        return { ok: false, error: sent.failure };
    }
  }
}
