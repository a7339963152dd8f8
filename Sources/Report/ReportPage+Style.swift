extension ReportPage {
    /// The page's only style sheet: system fonts, no external resources.
    static let style = """
    :root { color-scheme: light; }
    body { margin: 0; background: #f5f6f8; color: #1d2330;
           font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; }
    main { max-width: 1280px; margin: 0 auto; padding: 28px 32px 64px; }
    header { margin-bottom: 12px; }
    .kicker { margin: 0; color: #5b6475; font-size: 13px; letter-spacing: .08em; text-transform: uppercase; }
    h1 { margin: 2px 0 4px; font-size: 30px; }
    h2 { margin: 0 0 6px; font-size: 21px; }
    h3 { margin: 22px 0 4px; font-size: 16px; }
    .lead { margin: 0 0 10px; color: #3c4454; }
    nav { font-size: 13px; color: #5b6475; line-height: 1.9; }
    a { color: #1f5fbf; text-decoration: none; }
    a:hover { text-decoration: underline; }
    section { background: white; border: 1px solid #dfe3ea; border-radius: 8px; padding: 20px 24px; margin: 20px 0; }
    .note, .meta { margin: 0 0 10px; color: #4a5263; font-size: 14px; }
    .scroll { overflow-x: auto; max-width: 100%; }
    table { border-collapse: collapse; margin: 6px 0 14px; font-size: 14px; font-variant-numeric: tabular-nums; }
    th, td { padding: 5px 12px; border-bottom: 1px solid #e6e9ef; text-align: right; white-space: nowrap; }
    th:first-child, td:first-child { text-align: left; }
    table.runs td:nth-child(2), table.runs th:nth-child(2), table.runs td:nth-child(6), table.runs th:nth-child(6) { text-align: left; }
    thead th { border-bottom: 2px solid #c9cfd9; background: #f8f9fb; vertical-align: bottom; }
    tbody th { font-weight: 600; }
    tr.extra th, tr.extra td { color: #5b6475; font-weight: normal; }
    tr.extra td { text-align: left; }
    .sub { color: #7a8292; font-size: 12px; font-weight: normal; }
    td.failed, .bad { color: #b3261e; }
    td.missing { color: #9aa1ad; }
    .failure { background: #fdecea; border: 1px solid #f3b8b2; color: #8c1d18; padding: 8px 12px; border-radius: 6px; }
    .empty { color: #7a8292; font-style: italic; }
    .figures { display: flex; flex-wrap: wrap; gap: 22px 28px; align-items: flex-start; }
    figure { margin: 0; max-width: 100%; }
    figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e3e6ec; }
    figure.pixelated img { image-rendering: pixelated; }
    figure.wide { flex-basis: 100%; }
    figcaption { margin-top: 6px; max-width: 560px; color: #4a5263; font-size: 13px; }
    """
}
