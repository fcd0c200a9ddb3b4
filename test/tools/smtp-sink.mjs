// A local SMTP server for the e-mail tests: accepts every message (any credentials) and writes each to
// DIR as <n>.eml. Usage: node smtp-sink.mjs DIR; prints "listening on PORT" once it accepts connections.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node smtp-sink.mjs DIR');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
let count = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onAuth(auth, session, callback) {
    callback(null, { user: auth.username });
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      count += 1;
      writeFileSync(join(dir, `${count}.eml`), Buffer.concat(chunks));
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.server.address().port}`));
