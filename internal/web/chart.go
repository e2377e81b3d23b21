package web

import (
	"fmt"
	"html/template"
	"strings"
)

// Bar is one item of a chart: this period's value and the year earlier's.
type Bar struct {
	Label     string
	Cur, Prev int64
}

// ChartLegend names the two bars of every item and describes the chart for screen readers.
type ChartLegend struct{ Current, Previous, Desc string }

// BarChart draws horizontal bars as inline SVG, server-side: each item's name above its two bars, this
// period solid and the year earlier hatched, the figure written at the end of each bar, so the chart reads
// without colour and without JavaScript; <title> and <desc> carry the figures for screen readers.
func BarChart(id, title string, bars []Bar, legend ChartLegend) template.HTML {
	const (
		width  = 720.0
		labelH = 16.0
		barH   = 12.0
		gap    = 10.0
		valueW = 60.0
	)
	var maxV int64 = 1
	for _, b := range bars {
		maxV = max(maxV, b.Cur, b.Prev)
	}
	rowH := labelH + 2*barH + 2 + gap
	height := 30 + rowH*float64(max(len(bars), 1))
	scale := (width - valueW) / float64(maxV)
	esc := template.HTMLEscapeString
	var figures []string
	for _, b := range bars {
		figures = append(figures, fmt.Sprintf("%s: %d (%s %d)", b.Label, b.Cur, legend.Previous, b.Prev))
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<figure class="chart"><figcaption><h2>%s</h2></figcaption><svg id="%s" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %.0f %.0f" width="100%%" xmlns="http://www.w3.org/2000/svg">`,
		esc(title), id, id, id, width, height)
	fmt.Fprintf(&s, `<title id="%s-t">%s</title><desc id="%s-d">%s. %s</desc>`, id, esc(title), id, esc(strings.TrimSuffix(legend.Desc, ".")), esc(strings.Join(figures, "; ")))
	fmt.Fprintf(&s, `<defs><pattern id="%s-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#333" stroke-width="3"/></pattern></defs>`, id)
	// Legend.
	fmt.Fprintf(&s, `<rect x="0" y="4" width="14" height="12" fill="#1f3d7a"/><text x="20" y="14" font-size="12">%s</text>`, esc(legend.Current))
	fmt.Fprintf(&s, `<rect x="200" y="4" width="14" height="12" fill="url(#%s-hatch)" stroke="#333"/><text x="220" y="14" font-size="12">%s</text>`, id, esc(legend.Previous))
	y := 30.0
	for _, b := range bars {
		fmt.Fprintf(&s, `<text x="0" y="%.0f" font-size="12">%s</text>`, y+12, esc(b.Label))
		y += labelH
		for i, v := range []int64{b.Cur, b.Prev} {
			w := max(float64(v)*scale, 1)
			fill := "#1f3d7a"
			if i == 1 {
				fill = fmt.Sprintf("url(#%s-hatch)", id)
			}
			fmt.Fprintf(&s, `<rect x="0" y="%.0f" width="%.1f" height="%.0f" fill="%s" stroke="#333" stroke-width="0.5"/>`, y, w, barH, fill)
			fmt.Fprintf(&s, `<text x="%.1f" y="%.0f" font-size="11">%d</text>`, w+4, y+barH-2, v)
			y += barH + 1
		}
		y += gap
	}
	s.WriteString(`</svg></figure>`)
	return template.HTML(s.String()) // built from escaped labels and numbers only
}
