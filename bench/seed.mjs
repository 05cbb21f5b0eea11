// Seeds a fresh `--seed empty` sandbox with exactly 1000 unassigned conversations through the
// public POST /sandbox/customer-message (deterministic names, channels and texts).
const [url, token] = process.argv.slice(2);
const APPS = ['livechat', 'telegrambot', 'whatsapp', 'facebook', 'viber', 'vk', 'email'];
const NAMES = ['Maria Garcia', 'Иван Петров', 'محمد علي', '王芳', 'John Smith', 'Ana Souza', 'Yuki Tanaka'];
const TEXTS = [
  'Hi! Where is my order?', 'Здравствуйте! Когда будет доставка?', 'Can I change my address?',
  'The package arrived damaged 😞', 'مرحبا، أحتاج مساعدة', 'Do you ship to Canada? '.repeat(4),
  'Thanks, that helped!',
];
for (let i = 0; i < 1000; i++) {
  const r = await fetch(`${url}/sandbox/customer-message`, {
    method: 'POST',
    headers: { Authentication: token, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      text: `${TEXTS[i % TEXTS.length]} (#${i})`,
      from_user_name: `${NAMES[i % NAMES.length]} ${i}`,
      application: APPS[i % APPS.length],
      disable_webhook: 1,
    }),
  });
  if (!r.ok) throw new Error(`seed ${i}: HTTP ${r.status} ${await r.text()}`);
}
console.log(`[bench] seeded 1000 conversations at ${url}`);
