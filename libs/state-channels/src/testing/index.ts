export { startMutualTlsServer, type MutualTlsServer, type ReceivedRequest, type TestAnswer } from './mutual-tls-server.js';
export { findOpenssl, makeTestPki, type TestPki } from './test-pki.js';
