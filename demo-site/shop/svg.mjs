// A small drawing per product, so the demo needs no binary images.
const shapes = {
  beanie: (c) => `<path d="M50 120a50 50 0 0 1 100 0z" fill="${c}"/>
    <rect x="42" y="116" width="116" height="26" rx="8" fill="${c}" opacity=".75"/>
    <circle cx="100" cy="66" r="13" fill="${c}" opacity=".8"/>`,
  socks: (c) => `<path d="M70 40h34v70l22 22a16 16 0 0 1-22 24l-34-34z" fill="${c}"/>
    <path d="M104 40h30v70l20 20a15 15 0 0 1-21 22l-29-29z" fill="${c}" opacity=".6"/>
    <rect x="70" y="40" width="34" height="12" fill="#fff" opacity=".5"/>`,
  tote: (c) => `<path d="M78 72a22 22 0 0 1 44 0" stroke="${c}" stroke-width="8" fill="none"/>
    <path d="M56 72h88l8 92H48z" fill="${c}"/>
    <rect x="84" y="104" width="32" height="24" rx="4" fill="#fff" opacity=".35"/>`,
  mug: (c) => `<rect x="52" y="62" width="76" height="90" rx="10" fill="${c}"/>
    <path d="M128 82h14a16 16 0 0 1 0 32h-14" stroke="${c}" stroke-width="10" fill="none"/>
    <ellipse cx="90" cy="64" rx="38" ry="7" fill="#fff" opacity=".4"/>`,
  shirt: (c) => `<path d="M76 44l-36 22 14 28 16-8v72h60V86l16 8 14-28-36-22a24 24 0 0 1-48 0z" fill="${c}"/>`,
  candle: (c) => `<rect x="64" y="84" width="72" height="76" rx="8" fill="${c}"/>
    <rect x="64" y="110" width="72" height="22" fill="#fff" opacity=".35"/>
    <path d="M100 50c10 12 8 22 0 26-8-4-10-14 0-26z" fill="#f5b93a"/>
    <rect x="98" y="74" width="4" height="10" fill="#444"/>`,
};

const tint = (hex) => `${hex}22`;

export function productSvg(p) {
  const draw = shapes[p.art] ?? shapes.tote;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" role="img" aria-label="${p.name.replace(/[&<>"]/g, '')}">
  <rect width="200" height="200" fill="${tint(p.color)}"/>
  <circle cx="100" cy="104" r="78" fill="#fff" opacity=".6"/>
  ${draw(p.color)}
</svg>`;
}
