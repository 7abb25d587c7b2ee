import { runBraninCurrin } from './multi';
const kind = process.argv[2] ?? 'ehvi';
for (let s = 0; s < Number(process.argv[3] ?? 3); s++) { const r = runBraninCurrin(kind, s, 20, 4); console.log(kind, s, r.hv.toFixed(3), r.seconds.toFixed(1) + 's'); }
