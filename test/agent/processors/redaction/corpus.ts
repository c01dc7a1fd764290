/**
 * Realistic leaks (headers, URLs, SQL, log lines, exception messages, key
 * material, card numbers) and where an app would put them, plus innocent
 * look-alikes that must come through unchanged. Shared by the unit tests and
 * the end-to-end test (test/e2e/redaction.test.ts). Example keys and cards
 * are the vendors' documented test values.
 */

export type Where = 'span.attr' | 'span.name' | 'span.status' | 'exception' | 'log.body' | 'log.attr' | 'log.kvbody' | 'resource' | 'metric.attr';

export interface Leak {
  where: Where;
  /** Attribute key (attributes, kvlist bodies, resources, metrics). */
  key?: string;
  /** The value as the app sends it (arrays: a string-array attribute, as header attributes are). */
  value: string | string[];
  /** Substrings that must not survive anywhere. */
  secrets: string[];
}

export const LEAKS: Leak[] = [
  // ---- headers ----
  { where: 'span.attr', key: 'http.request.header.authorization', value: ['Bearer sk-proj-9aB3dE7fG1hJ5kL9mN3pQ7rS'], secrets: ['sk-proj-9aB3dE7fG1hJ5kL9mN3pQ7rS'] },
  { where: 'span.attr', key: 'http.request.header.cookie', value: ['session=8f14e45fceea167a5a36dedd4bea2543'], secrets: ['8f14e45fceea167a5a36dedd4bea2543'] },
  { where: 'span.attr', key: 'http.request.header.x-api-key', value: ['AbCdEf0123456789XyZ'], secrets: ['AbCdEf0123456789XyZ'] },
  { where: 'span.attr', key: 'http.response.header.set-cookie', value: ['sid=s%3Aabcdef123456.xyz; Path=/; HttpOnly'], secrets: ['s%3Aabcdef123456.xyz'] },
  { where: 'span.attr', key: 'rpc.grpc.request.metadata.authorization', value: ['Bearer grpcT0ken-77aa88bb99'], secrets: ['grpcT0ken-77aa88bb99'] },
  { where: 'span.attr', key: 'request.headers', value: 'Host: api\r\nAuthorization: Basic YWRtaW46c3VwZXJzZWNyZXQ=\r\nAccept: */*', secrets: ['YWRtaW46c3VwZXJzZWNyZXQ='] },
  { where: 'log.body', value: 'proxy request with Proxy-Authorization: Bearer 0123456789abcdefABCDEF', secrets: ['0123456789abcdefABCDEF'] },
  { where: 'span.attr', key: 'upstream.auth_header', value: 'Token 4f2a9c8e7b6d5a4f3e2d1c0b', secrets: ['4f2a9c8e7b6d5a4f3e2d1c0b'] },
  // ---- URLs ----
  { where: 'span.attr', key: 'url.full', value: 'https://api.stripe.com/v1/charges?api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc&limit=3', secrets: ['sk_live_4eC39HqLyjWDarjtT1zdp7dc'] },
  { where: 'span.attr', key: 'url.full', value: 'https://bob:Pa55w0rd!@internal.example.com/admin', secrets: ['Pa55w0rd!'] },
  { where: 'span.attr', key: 'db.connection_url', value: 'postgres://app_user:s3cr3t-DB-pw@db.prod:5432/orders', secrets: ['s3cr3t-DB-pw'] },
  { where: 'span.attr', key: 'db.redis.url', value: 'redis://:r3d1sPassw0rd@cache:6379/0', secrets: ['r3d1sPassw0rd'] },
  { where: 'log.body', value: 'connected to amqp://guest:rabbitSecret42@mq:5672/ in 12ms', secrets: ['rabbitSecret42'] },
  { where: 'span.attr', key: 'server.uri', value: 'mongodb+srv://admin:M0ngoPass%21@cluster0.abc.mongodb.net/db?retryWrites=true', secrets: ['M0ngoPass%21'] },
  { where: 'span.attr', key: 'http.url', value: 'https://example.com/reset?token=d41d8cd98f00b204e9800998ecf8427e&lang=en', secrets: ['d41d8cd98f00b204e9800998ecf8427e'] },
  {
    where: 'span.attr', key: 'url.full',
    value: 'https://s3.amazonaws.com/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024',
    secrets: ['AKIAIOSFODNN7EXAMPLE', 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024'],
  },
  { where: 'span.attr', key: 'url.full', value: 'https://acct.blob.core.windows.net/c/b.bin?sv=2021-06-08&se=2030-01-01&sig=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA%3D%3D', secrets: ['Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA'] },
  { where: 'log.attr', key: 'redirect', value: 'https://app.example.com/callback#access_token=ya29.a0AfH6SMBx3dQq&token_type=Bearer&expires_in=3599', secrets: ['ya29.a0AfH6SMBx3dQq'] },
  { where: 'log.body', value: 'git clone https://ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789@github.com/org/repo.git', secrets: ['ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'] },
  { where: 'span.attr', key: 'peer.url', value: 'ftp://deploy:ftpPass123@files.example.com/releases', secrets: ['ftpPass123'] },
  // ---- SQL ----
  { where: 'span.attr', key: 'db.statement', value: "ALTER USER reporting WITH PASSWORD 'Xk9#mP2$vL'", secrets: ['Xk9#mP2$vL'] },
  { where: 'span.attr', key: 'db.query.text', value: "CREATE USER 'etl'@'%' IDENTIFIED BY 'EtlL0ad3r!'", secrets: ['EtlL0ad3r!'] },
  { where: 'span.attr', key: 'db.statement', value: "UPDATE users SET password = 'n3wPa55word' WHERE id = 7", secrets: ['n3wPa55word'] },
  { where: 'span.attr', key: 'db.statement', value: "UPDATE accounts SET api_key='ak_8f7e6d5c4b3a2910' WHERE id=3", secrets: ['ak_8f7e6d5c4b3a2910'] },
  { where: 'span.attr', key: 'db.statement', value: "SELECT * FROM payments WHERE card_number = '4111111111111111'", secrets: ['4111111111111111'] },
  { where: 'span.attr', key: 'db.statement', value: "INSERT INTO cards (pan, holder) VALUES ('5555 5555 5555 4444', 'J Doe')", secrets: ['5555 5555 5555 4444'] },
  { where: 'span.attr', key: 'db.statement', value: "SET PASSWORD = 'R00tPw!2024'", secrets: ['R00tPw!2024'] },
  {
    where: 'span.attr', key: 'db.statement',
    value: "COPY t FROM 's3://bucket/x' CREDENTIALS 'aws_access_key_id=AKIAI44QH8DHBEXAMPLE;aws_secret_access_key=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'",
    secrets: ['AKIAI44QH8DHBEXAMPLE', 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'],
  },
  // ---- log lines ----
  { where: 'log.body', value: 'User login failed for bob password=hunter2x ip=10.0.0.1', secrets: ['hunter2x'] },
  { where: 'log.body', value: 'Connecting with DATABASE_URL=postgres://svc:Sup3rS3cret@10.0.0.5/db', secrets: ['Sup3rS3cret'] },
  { where: 'log.body', value: 'config loaded: {"db":{"user":"app","password":"c0rrect-h0rse"}}', secrets: ['c0rrect-h0rse'] },
  { where: 'log.body', value: 'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', secrets: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'] },
  { where: 'log.body', value: 'Using AWS key AKIAJQ7EXAMPLE4KEYID for upload', secrets: ['AKIAJQ7EXAMPLE4KEYID'] },
  {
    where: 'log.body',
    value: 'auth ok jwt=eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoxNzAwMDAwMDAwfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    secrets: ['eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoxNzAwMDAwMDAwfQ', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
  },
  { where: 'log.body', value: 'posting with xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', secrets: ['xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'] },
  { where: 'log.body', value: 'registry login with glpat-9zVq3xN7Lk2mPq8RsT4u', secrets: ['glpat-9zVq3xN7Lk2mPq8RsT4u'] },
  { where: 'log.body', value: 'maps client created (AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY)', secrets: ['AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'] },
  { where: 'log.body', value: 'stripe client: sk_live_51H8xYzAbCdEfGhIjKlMnOp', secrets: ['sk_live_51H8xYzAbCdEfGhIjKlMnOp'] },
  { where: 'log.body', value: 'payment declined for card 4012-8888-8888-1881 (insufficient funds)', secrets: ['4012-8888-8888-1881'] },
  { where: 'log.body', value: 'Amex 3782 822463 10005 charged 12.00 USD', secrets: ['3782 822463 10005'] },
  { where: 'log.body', value: '//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789', secrets: ['npm_abcdefghijklmnopqrstuvwxyz0123456789'] },
  { where: 'log.body', value: 'loaded key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----\ndone', secrets: ['b3BlbnNzaC1rZXktdjEAAAAABG5vbmU'] },
  { where: 'log.body', value: 'truncated: -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oq0UXbgjfiEJ', secrets: ['MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oq0UXbgjfiEJ'] },
  // ---- exception messages (span events) ----
  { where: 'exception', value: 'Request to https://admin:adminpass2024@billing.internal/api failed: ECONNREFUSED', secrets: ['adminpass2024'] },
  { where: 'exception', value: 'Unauthorized: invalid token: tk_live_abcdef1234567890', secrets: ['tk_live_abcdef1234567890'] },
  { where: 'exception', value: 'pool error at connect (postgres://root:rootpw99@localhost/db)', secrets: ['rootpw99'] },
  { where: 'exception', value: 'JWT expired: eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoiYWxpY2UifQ.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk', secrets: ['eyJ1c2VyIjoiYWxpY2UifQ', 'dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk'] },
  { where: 'exception', value: 'Could not charge card 4242424242424242: card_declined', secrets: ['4242424242424242'] },
  // ---- log attributes and structured bodies ----
  { where: 'log.attr', key: 'db.connection_string', value: 'Server=sql1;Database=app;User Id=sa;Password=MyS3cretP@ss;', secrets: ['MyS3cretP@ss', 'MyS3cretP'] },
  { where: 'log.attr', key: 'env.DB_PASSWORD', value: 'hunter2hunter2', secrets: ['hunter2hunter2'] },
  { where: 'log.kvbody', key: 'password', value: 'kvPassw0rd!', secrets: ['kvPassw0rd!'] },
  { where: 'log.attr', key: 'http.request.body', value: '{"card":"4000056655665556","cvc":"123"}', secrets: ['4000056655665556'] },
  { where: 'log.attr', key: 'client_secret', value: 'cs_9b8a7f6e5d4c3b2a', secrets: ['cs_9b8a7f6e5d4c3b2a'] },
  // ---- span names and statuses ----
  { where: 'span.name', value: 'GET /reset?token=spanNameTok3n99', secrets: ['spanNameTok3n99'] },
  { where: 'span.status', value: 'auth failed for Bearer abcDEF123456ghi', secrets: ['abcDEF123456ghi'] },
  // ---- resource and metrics ----
  { where: 'resource', key: 'deployment.db_url', value: 'mysql://root:ResourcePw1@mysql:3306/app', secrets: ['ResourcePw1'] },
  { where: 'metric.attr', key: 'url', value: 'https://user:metricPw77@api.example.com/x', secrets: ['metricPw77'] },
  { where: 'metric.attr', key: 'api_token', value: 'mt-0d9f8e7c6b5a', secrets: ['mt-0d9f8e7c6b5a'] },
  { where: 'metric.attr', key: 'query', value: 'q=shoes&access_token=metricTok3nXYZ', secrets: ['metricTok3nXYZ'] },
];

/** Values that look like secrets to a careless pattern and must come through unchanged. */
export const LOOKALIKES: { key: string; value: string }[] = [
  { key: 'request.id', value: '123e4567-e89b-12d3-a456-426614174000' },
  { key: 'linked.trace_id', value: '4bf92f3577b34da6a3ce929d0e0e4736' },
  { key: 'order.number', value: '1234567812345678' },
  { key: 'order.note', value: 'order 4111 1111 1111 1112 shipped' },
  { key: 'url.full', value: 'https://example.com/docs?page=2&sort=asc' },
  { key: 'error.message', value: 'Basic authentication required' },
  { key: 'error.detail', value: 'Bearer authentication failed' },
  { key: 'gen_ai.summary', value: 'input_tokens=523 output_tokens=87 token_count=610' },
  { key: 'vcs.repository.url', value: 'ssh://git@github.com/org/repo.git' },
  { key: 'book.isbn', value: '978-3-16-148410-0' },
  { key: 'event.time_ms', value: '1733140000000' },
  { key: 'config.policy', value: 'password_policy=strict min_length=12' },
  { key: 'http.route', value: '/api/v1/users/:id/tokens' },
  { key: 'user.email', value: 'jane.doe@example.com' },
  { key: 'net.peer', value: 'https://api.example.com:8443/v2/items?id=42' },
];
