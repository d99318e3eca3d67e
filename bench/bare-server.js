/**
 * The baseline: a bare node:http server answering every request with one fixed,
 * record-shaped JSON body, as cheaply as Node can. Listens on 127.0.0.1:$PORT and prints
 * `listening <port>` once ready.
 */
import http from 'node:http';
import { sampleRecord } from './data.js';

const body = Buffer.from(JSON.stringify(sampleRecord()));
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 2000).unref();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
