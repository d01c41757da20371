import type { SettingsReader } from '@relais/service-kit';

/** Single sign-on through an OpenID Connect provider (ProConnect, or any standard one). */
export interface OidcSettings {
  /** The provider's issuer (`RELAIS_OIDC_ISSUER`): its discovery document is read from there. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where the provider sends the browser back (`RELAIS_OIDC_REDIRECT_URI`, ending in /signin/oidc/callback). */
  readonly redirectUri: string;
  /** The button's label on the sign-in form (`RELAIS_OIDC_NAME`, "ProConnect"). */
  readonly name: string;
}

/** Loopback issuers may be plain HTTP (development and tests); any other must be HTTPS. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** The settings, or undefined when RELAIS_OIDC_ISSUER is unset (sign-in with a token only). */
export function readOidcSettings(settings: SettingsReader): OidcSettings | undefined {
  const issuer = settings.text('RELAIS_OIDC_ISSUER');
  if (issuer === undefined) return undefined;
  const clientId = settings.text('RELAIS_OIDC_CLIENT_ID');
  const clientSecret = settings.text('RELAIS_OIDC_CLIENT_SECRET');
  const redirectUri = settings.text('RELAIS_OIDC_REDIRECT_URI');
  const name = settings.text('RELAIS_OIDC_NAME', 'ProConnect');
  for (const [variable, value] of [['RELAIS_OIDC_CLIENT_ID', clientId], ['RELAIS_OIDC_CLIENT_SECRET', clientSecret], ['RELAIS_OIDC_REDIRECT_URI', redirectUri]] as const) {
    if (value === undefined) settings.problem(`${variable} is required with RELAIS_OIDC_ISSUER`);
  }
  for (const [variable, value] of [['RELAIS_OIDC_ISSUER', issuer], ['RELAIS_OIDC_REDIRECT_URI', redirectUri]] as const) {
    if (value === undefined) continue;
    const url = URL.canParse(value) ? new URL(value) : undefined;
    if (url === undefined || (url.protocol !== 'https:' && !isLoopbackHttp(url))) settings.problem(`${variable} must be an https:// URL (http:// only on loopback)`);
  }
  if (clientId === undefined || clientSecret === undefined || redirectUri === undefined) return undefined;
  return { issuer, clientId, clientSecret, redirectUri, name };
}
