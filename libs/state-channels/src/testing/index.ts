export { startMutualTlsServer, type MutualTlsServer, type ReceivedRequest, type TestAnswer } from './mutual-tls-server.js';
export { findOpenssl, makeTestPki, type TestPki } from './test-pki.js';
export { findDovecot, startDovecot, type DovecotOptions, type DovecotUser, type TestDovecot } from './dovecot.js';
export { findSshd, makeSftpServerDir, startSftpServer, type OpensshTools, type TestSftpServer } from './openssh.js';
