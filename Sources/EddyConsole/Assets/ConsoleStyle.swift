// console.css of the web console, kept in the binary (no files to install, no build step).
enum ConsoleStyle {
    static let text = #"""
:root{--bg:#f7f8fa;--panel:#fff;--text:#17202a;--muted:#5d6b7a;--line:#d8dee6;--accent:#0b63ce;--ok:#16803c;--alarm:#c62828;--insufficient:#7a869a;--code:#eef1f5;
--s1:#0b63ce;--s2:#e8710a;--s3:#16803c;--s4:#9334e6;--s5:#c62828;--s6:#0f9d9a;--s7:#b5830f;--s8:#5d6b7a;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f1419;--panel:#171d24;--text:#e6edf3;--muted:#9aa7b4;--line:#2d3742;--accent:#5aa9ff;--ok:#3fb950;--alarm:#ff6b6b;--insufficient:#8b98a5;--code:#222b35;
--s1:#5aa9ff;--s2:#ffa657;--s3:#3fb950;--s4:#d2a8ff;--s5:#ff7b72;--s6:#56d4dd;--s7:#e3b341;--s8:#9aa7b4}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible,[tabindex]:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--panel);padding:4px 8px;z-index:9}
header{display:flex;flex-wrap:wrap;align-items:center;gap:12px 20px;padding:10px 20px;background:var(--panel);border-bottom:1px solid var(--line)}
.brand{font-weight:700;font-size:18px;text-decoration:none;color:var(--text)}
nav{display:flex;flex-wrap:wrap;gap:4px 14px}nav a{text-decoration:none;padding:2px 0;border-bottom:2px solid transparent}nav a[aria-current=page]{border-color:var(--accent);color:var(--text)}
#scope{margin-left:auto;display:flex;gap:8px;align-items:center}#scope input{width:9em}
main{padding:16px 20px;max-width:1400px;margin:0 auto}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:18px 0 8px}h3{font-size:14px;margin:12px 0 6px}
.muted{color:var(--muted)}.small{font-size:12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}
.card,.panel{min-width:0;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card h3{margin-top:0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}.facts dt{color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere;min-width:0}
table{border-collapse:collapse;width:100%;background:var(--panel);border:1px solid var(--line);border-radius:8px;overflow:hidden}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:break-word}
td code{overflow-wrap:anywhere}th{white-space:nowrap;font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
tr:last-child td{border-bottom:0}.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
.state{white-space:nowrap;display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.state-OK,.state-ACTIVE{background:var(--ok)}.state-ALARM,.state-FAILED{background:var(--alarm)}.state-INSUFFICIENT_DATA,.state-CREATING,.state-UPDATING,.state-DELETING{background:var(--insufficient)}
button,input,select,textarea{font:inherit;color:inherit;background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:4px 8px}
button{cursor:pointer;background:var(--accent);color:#fff;border-color:var(--accent)}button.plain{background:var(--panel);color:var(--text);border-color:var(--line)}
form.inline{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:8px 0}form.inline label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
pre,code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);border-radius:4px}
pre{padding:8px;overflow:auto;max-height:420px;white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0}code{padding:0 3px}
.chart{width:100%;height:auto;display:block}.chart text{fill:var(--muted);font-size:12px}.figure{margin:0;max-width:900px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,440px),1fr));gap:12px}.chart .grid{stroke:var(--line)}.chart .threshold{stroke:var(--alarm);stroke-dasharray:5 4}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;margin-top:4px}.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.dashboard{display:grid;grid-template-columns:repeat(24,1fr);grid-auto-rows:30px;gap:8px}
.widget{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px 10px;overflow:auto;min-width:0}
.widget h3{margin:0 0 4px;font-size:13px}.bignum{font-size:30px;font-weight:600}
.tail{max-height:460px;overflow:auto;border:1px solid var(--line);border-radius:8px;background:var(--panel)}
.tail .rec{border-bottom:1px solid var(--line);padding:6px 10px}.tail .rec pre{max-height:160px}
.tail .meta{font-size:12px;color:var(--muted);display:flex;flex-wrap:wrap;gap:4px 12px}
.note{padding:6px 10px;border-left:3px solid var(--accent);background:var(--panel);margin:8px 0}
.error{padding:8px 12px;border-left:3px solid var(--alarm);background:var(--panel);margin:8px 0}
.crumbs{margin:0 0 8px;font-size:13px}.crumbs a{margin-right:4px}
.rates{font-variant-numeric:tabular-nums}
.lineage{max-width:100%;height:auto;display:block}.lineage text{fill:var(--text);font-size:11px}.lineage rect{fill:var(--panel);stroke:var(--accent)}.lineage rect.closed{stroke:var(--insufficient);stroke-dasharray:4 3}.lineage line{stroke:var(--muted)}
img.preview{max-width:100%;max-height:480px;border:1px solid var(--line)}
@media (max-width:700px){.scroll table{min-width:620px}.cards{grid-template-columns:1fr}header{padding:8px 12px}main{padding:12px}#scope{margin-left:0}.dashboard{display:flex;flex-direction:column}.widget{min-height:200px}th,td{padding:5px 6px}}
"""#
}
