import { IsString, MaxLength, MinLength } from 'class-validator';

/** The longest URL a webhook may have. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** `POST /api/v1/webhooks`: where to POST the notifications, and the secret that signs them. */
export class CreateWebhookDto {
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH, { message: `url must have at most ${MAX_WEBHOOK_URL_LENGTH} characters` })
  url!: string;

  @IsString()
  @MinLength(16, { message: 'secret must have at least 16 characters' })
  @MaxLength(256, { message: 'secret must have at most 256 characters' })
  secret!: string;
}

/**
 * Why `url` cannot be a webhook's address, or undefined when it can: an absolute `http:` or `https:`
 * URL with a host, without credentials (they would show in every listing) nor fragment.
 */
export function webhookUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an absolute http or https URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'url must use https or http';
  if (parsed.hostname === '') return 'url must name a host';
  if (parsed.username !== '' || parsed.password !== '') return 'url must not carry credentials; the secret signs each delivery';
  if (parsed.hash !== '') return 'url must not have a fragment';
  return undefined;
}
