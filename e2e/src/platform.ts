// The platform starter lives in @relais/testing/platform, shared with the end-to-end benchmark.
export { eventually, freePort, sleep, startPlatform, type Platform, type PlatformOptions, type ServiceHealth } from '@relais/testing/platform';
