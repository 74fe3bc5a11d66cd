//! HTML rendering of the report: one self-contained page with tables and
//! inline SVG charts.

use super::Section;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders the sections as a standalone HTML page.
pub fn render(sections: &[Section]) -> String {
    let mut h = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Loyalty report</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}.note{color:#555;font-size:90%}figure{margin:1em 0}</style></head><body>\n<h1>Loyalty report</h1>\n",
    );
    for section in sections {
        h.push_str(&format!("<h2>{}</h2>\n", escape(&section.title)));
        if !section.source.is_empty() {
            h.push_str(&format!(
                "<p class=\"note\">Data: {}</p>\n",
                escape(&section.source)
            ));
        }
        for note in &section.notes {
            h.push_str(&format!("<p class=\"note\">{}</p>\n", escape(note)));
        }
        for table in &section.tables {
            h.push_str("<table><tr>");
            for head in &table.headers {
                h.push_str(&format!("<th>{}</th>", escape(head)));
            }
            h.push_str("</tr>\n");
            for row in &table.rows {
                h.push_str("<tr>");
                for cell in row {
                    h.push_str(&format!("<td>{}</td>", escape(cell)));
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</table>\n");
        }
        for chart in &section.charts {
            h.push_str(&format!(
                "<figure>{}<figcaption>{}</figcaption></figure>\n",
                chart.svg,
                escape(&chart.caption)
            ));
        }
    }
    h.push_str("</body></html>\n");
    h
}
