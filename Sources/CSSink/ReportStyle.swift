/// The HTML report's inline stylesheet: colours as custom properties with a dark set for
/// `prefers-color-scheme: dark`, long unbroken feed text wrapped anywhere, and a print layout
/// (black on white, shading kept, nothing split across pages that need not be).
enum ReportStyle {
    static let css = """
        :root{color-scheme:light dark;--fg:#1d232a;--bg:#fff;--muted:#56606b;--line:#d5dbe1;--panel:#f4f6f8;--link:#0b5cad;
        --critical:#8b0000;--high:#d32f2f;--medium:#c77c00;--low:#1e7f9e;--info:#6b7280;--unrated:#9aa0a6;
        --l0:#eef1f4;--l1:#fde3cf;--l2:#f9bf93;--l3:#ef9154;--l4:#d8581f;--l5:#9e2f07;--lt:#fff}
        @media (prefers-color-scheme:dark){:root{--fg:#e4e8ec;--bg:#14181c;--muted:#9ba6b1;--line:#36404a;--panel:#1d2329;--link:#80bdff;
        --critical:#e05252;--high:#f07167;--medium:#f0b429;--low:#4fb3d9;--info:#9aa3ad;--unrated:#6b7280;
        --l0:#222a31;--l1:#4a2c1a;--l2:#6e3a1b;--l3:#9a4a1a;--l4:#c8621f;--l5:#f08a3c;--lt:#14181c}}
        *{box-sizing:border-box}
        body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:96em;padding:0 1em;color:var(--fg);background:var(--bg)}
        a{color:var(--link)}h1{font-size:1.6em;margin:.2em 0}h2{margin-top:1.8em;border-bottom:1px solid var(--line)}
        h1,h2,h3,h4,p,li,td,th,blockquote,q,small{overflow-wrap:anywhere}
        h4{font-size:1.05em;margin:.2em 0}
        nav a{margin-right:1em}
        .lede,.meta,.note{color:var(--muted)}.meta{font-size:.9em;margin:.3em 0}
        table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid var(--line);padding:.2em .5em;text-align:left;vertical-align:top}
        th{background:var(--panel)}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .row{display:flex;flex-wrap:wrap;gap:2em}.row>*{flex:1 1 20em;min-width:0}
        .sev{display:inline-block;min-width:5.5em;padding:0 .4em;border-radius:3px;color:#fff;font-size:.8em;text-align:center}
        .critical{background:var(--critical)}.high{background:var(--high)}.medium{background:var(--medium)}.low{background:var(--low)}.info{background:var(--info)}.unrated{background:var(--unrated)}
        .chart{width:100%;max-width:60em;height:auto;display:block}.chart .grid{stroke:var(--line);stroke-width:1}.chart .axis{fill:var(--muted);font-size:11px}
        .b-critical{fill:var(--critical)}.b-high{fill:var(--high)}.b-medium{fill:var(--medium)}.b-low{fill:var(--low)}.b-info{fill:var(--info)}.b-unrated{fill:var(--unrated)}
        .legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1em;font-size:.85em}.legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em;border-radius:2px}
        .matrix{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(5.6em,1fr);gap:3px;margin:.5em 0;overflow-x:auto}
        .tactic h3{font-size:.74em;overflow-wrap:normal;hyphens:auto;margin:0 0 3px;padding:.3em;background:var(--panel);border-bottom:2px solid var(--line);min-height:3.2em}
        .tactic h3 small{display:block;color:var(--muted);font-weight:normal}
        .tactic ol{list-style:none;margin:0;padding:0}.tactic .empty{font-size:.75em;color:var(--muted);margin:.3em}
        .cell{display:flex;justify-content:space-between;gap:.3em;font-size:.7em;line-height:1.25;padding:.3em;margin-bottom:3px;border-radius:3px;text-decoration:none;color:var(--fg);overflow-wrap:anywhere}
        .cell .tid{font-weight:600}.cell .n{font-weight:700}
        .l0{background:var(--l0)}.l1{background:var(--l1)}.l2{background:var(--l2)}.l3{background:var(--l3)}.l4{background:var(--l4);color:var(--lt)}.l5{background:var(--l5);color:var(--lt)}
        .techs{columns:24em;column-gap:2em}.tech{break-inside:avoid;margin-bottom:.6em}.tech h4{font-size:.95em}.tech ul{margin:.2em 0;padding-left:1.2em;font-size:.9em}
        :target{outline:2px solid var(--link);outline-offset:2px}
        article{margin:1em 0 1.6em;padding-top:.2em}
        .maps{font-size:.88em;width:100%}.maps code,.via code{font-size:.95em;background:var(--panel);padding:0 .25em;border-radius:2px;white-space:nowrap}
        .maps ol{margin:0;padding-left:1.1em}.score{font-variant-numeric:tabular-nums;color:var(--muted)}.field{color:var(--muted);font-size:.9em}
        blockquote{margin:.4em 0;color:var(--muted);border-left:3px solid var(--line);padding-left:.8em}
        .ioc{font-size:.88em}.ioc td.v{font-family:ui-monospace,monospace;user-select:all}
        footer{margin-top:2em;border-top:1px solid var(--line);color:var(--muted);font-size:.9em}
        @media print{:root{--fg:#000;--bg:#fff;--muted:#333;--link:#000}body{max-width:none;margin:0;font-size:10pt}
        nav{display:none}a{text-decoration:none}h2{break-after:avoid}article,.tech,tr,.tactic li{break-inside:avoid}
        .sev,.cell,.chart rect,.legend i{print-color-adjust:exact;-webkit-print-color-adjust:exact}.matrix{grid-auto-flow:row;grid-template-columns:repeat(7,1fr);overflow:visible}}
        """
}
