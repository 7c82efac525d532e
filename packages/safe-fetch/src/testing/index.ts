export { startServer, pngBytes, type TestServer } from './http-server.ts';
