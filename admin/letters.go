package admin

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/paper"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/web"
)

// appealLetters lists the appeal's letters, each to print or download as PDF.
func (h *handlers) appealLetters(c *fiber.Ctx) error {
	a, err := h.cardAppeal(c)
	if err != nil {
		return err
	}
	letters, err := h.Registry.LettersOf(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	viewer, err := h.viewer(c)
	if err != nil {
		return err
	}
	return c.Render("admin/appeal_letters", fiber.Map{
		"Title": h.web.TextsOf(c).T("letters.title") + " " + a.RegIndex, "Appeal": a, "Letters": letters,
		"CanAcknowledge": slices.Contains(registry.Steps(a, viewer), registry.StepAcknowledge),
		"ReplyBy":        a.ReplyDelivery(),
	})
}

// appealLetter is the request's letter of the request's appeal, as the visitor may see it.
func (h *handlers) appealLetter(c *fiber.Ctx) (*registry.Letter, error) {
	id, err := h.visibleAppealID(c)
	if err != nil {
		return nil, err
	}
	letterID, err := web.ParamID(c, "letter")
	if err != nil {
		return nil, err
	}
	return h.Registry.LetterOf(c.UserContext(), id, letterID)
}

// letterPrint is one letter as a page to print: the same layout as its PDF.
func (h *handlers) letterPrint(c *fiber.Ctx) error {
	l, err := h.appealLetter(c)
	if err != nil {
		return err
	}
	// The letter is in the state language whatever language the staff member reads the site in.
	return c.Render("admin/letter_print", fiber.Map{"L": h.web.Texts("uk"), "Lang": "uk",
		"Title": "Лист № " + l.OutNumber, "Letter": l, "Paper": l.Paper(), "Paragraphs": strings.Split(l.Body, "\n")})
}

// letterPDF is one letter as PDF.
func (h *handlers) letterPDF(c *fiber.Ctx) error {
	l, err := h.appealLetter(c)
	if err != nil {
		return err
	}
	return sendPDF(c, l.FileName(), func(b *bytes.Buffer) error { return paper.WriteLetters(b, []paper.Letter{l.Paper()}) })
}

// sendPDF renders a PDF in memory (a failure is an error page, not half a file) and sends it inline.
func sendPDF(c *fiber.Ctx, name string, write func(*bytes.Buffer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s"`, name))
	return c.Send(b.Bytes())
}

// acknowledge makes the acknowledgement of registration the author asked for.
func (h *handlers) acknowledge(c *fiber.Ctx) error {
	id, err := h.visibleAppealID(c)
	if err != nil {
		return err
	}
	if err := h.Registry.Acknowledge(c.UserContext(), id); err != nil {
		return err
	}
	return h.told(c, id, "letters.done.acknowledge", "/admin/appeals/"+strconv.FormatInt(id, 10)+"/letters")
}

// told ends a step that wrote to the author: what was done, then how the author was told.
func (h *handlers) told(c *fiber.Ctx, appealID int64, done, to string) error {
	delivery, err := h.Registry.AuthorDelivery(c.UserContext(), appealID)
	if err != nil {
		return err
	}
	if delivery == "" {
		delivery = "none"
	}
	return h.web.Done(c, done+"+letters.told."+delivery, to)
}

// dispatchDay reads the dispatch list's day (none: every waiting letter).
func dispatchDay(c *fiber.Ctx) (time.Time, string, error) {
	r := web.ReadQuery(c)
	day := r.Date("date")
	if err := r.Problems().Err(); err != nil {
		return time.Time{}, "", err
	}
	shown := ""
	if !day.IsZero() {
		shown = day.Format(time.DateOnly)
	}
	return day, shown, nil
}

// dispatch is "До відправлення": the letters waiting to go by post or by hand, the PDFs to print them and
// their envelopes' labels, and "відправлено".
func (h *handlers) dispatch(c *fiber.Ctx) error {
	day, shown, err := dispatchDay(c)
	if err != nil {
		return err
	}
	letters, err := h.Registry.WaitingLetters(c.UserContext(), day)
	if err != nil {
		return err
	}
	q := url.Values{}
	if shown != "" {
		q.Set("date", shown)
	}
	return c.Render("admin/dispatch", fiber.Map{
		"Title": h.web.TextsOf(c).T("dispatch.title"), "Letters": letters, "Date": shown, "Query": q.Encode(),
		"Today": h.Registry.Today().Format(time.DateOnly),
	})
}

// dispatchLetters is one PDF with the waiting letters (of the day asked), a page or more each.
func (h *handlers) dispatchLetters(c *fiber.Ctx) error {
	letters, err := h.waiting(c)
	if err != nil {
		return err
	}
	docs := make([]paper.Letter, len(letters))
	for i := range letters {
		docs[i] = letters[i].Paper()
	}
	return sendPDF(c, "lysty.pdf", func(b *bytes.Buffer) error { return paper.WriteLetters(b, docs) })
}

// dispatchLabels is one PDF with the address labels of the waiting letters that go by post.
func (h *handlers) dispatchLabels(c *fiber.Ctx) error {
	letters, err := h.waiting(c)
	if err != nil {
		return err
	}
	var labels []paper.Address
	for _, l := range letters {
		if l.Delivery == registry.DeliveryPost {
			labels = append(labels, paper.Address{Name: l.AddresseeName, Lines: l.AddresseeAddress, OutNumber: l.OutNumber})
		}
	}
	if len(labels) == 0 {
		return errs.New(errs.NotFound, "dispatch.none")
	}
	return sendPDF(c, "adresy.pdf", func(b *bytes.Buffer) error { return paper.WriteLabels(b, labels) })
}

// waiting is the letters waiting to be dispatched on the day asked; none is 404, not an empty PDF.
func (h *handlers) waiting(c *fiber.Ctx) ([]registry.Letter, error) {
	day, _, err := dispatchDay(c)
	if err != nil {
		return nil, err
	}
	letters, err := h.Registry.WaitingLetters(c.UserContext(), day)
	if err == nil && len(letters) == 0 {
		err = errs.New(errs.NotFound, "dispatch.none")
	}
	return letters, err
}

// markDispatched marks the chosen letters dispatched ("відправлено").
func (h *handlers) markDispatched(c *fiber.Ctx) error {
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	var ids []int64
	for _, v := range r.Lines("letter", registry.MaxDispatch) {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			ids = append(ids, n)
		}
	}
	back := "/admin/dispatch"
	if d := r.Date("date"); !d.IsZero() {
		back += "?date=" + d.Format(time.DateOnly)
	}
	if len(ids) == 0 {
		return h.web.Done(c, "dispatch.none_chosen", back)
	}
	if _, err := h.Registry.Dispatch(c.UserContext(), ids); err != nil {
		return err
	}
	return h.web.Done(c, "dispatch.done", back)
}

// outgoingForm is the register's filter as typed, kept to show the form again.
type outgoingForm struct {
	From, To, Kind, Delivery, Q string
	Waiting                     bool
}

// outgoingFilter reads the register's filter from the query string, every value checked at the edge.
func outgoingFilter(values url.Values) (registry.OutgoingFilter, outgoingForm, errs.Validation) {
	r := form.New(values)
	f := registry.OutgoingFilter{From: r.Date("from"), To: r.Date("to"), Kind: r.Code("kind", registry.IsLetterKind),
		Delivery: r.Code("delivery", registry.IsDelivery), Waiting: r.Flag("waiting"), Query: r.Line("q", form.MaxSearch),
		Page: form.PageOf(values)}
	shown := func(field string) string {
		v, _ := form.Check(values.Get(field), false, 0)
		return v
	}
	view := outgoingForm{From: shown("from"), To: shown("to"), Kind: f.Kind, Delivery: f.Delivery, Q: f.Query, Waiting: f.Waiting}
	problems := r.Problems()
	for field, msg := range problems {
		if msg == form.Date {
			problems[field] = "admin.appeals.error.date"
		} else {
			problems[field] = "admin.appeals.error.choose"
		}
	}
	return f, view, problems
}

func (v outgoingForm) query() url.Values {
	q := url.Values{}
	for k, val := range map[string]string{"from": v.From, "to": v.To, "kind": v.Kind, "delivery": v.Delivery, "q": v.Q} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if v.Waiting {
		q.Set("waiting", "1")
	}
	return q
}

// outgoing is the outgoing register (вихідна кореспонденція): every letter, filtered, in pages.
func (h *handlers) outgoing(c *fiber.Ctx) error {
	f, view, problems := outgoingFilter(web.Query(c))
	lines, total, err := h.Registry.ListOutgoing(c.UserContext(), f)
	if err != nil {
		return err
	}
	q := view.query()
	if len(problems) > 0 {
		c.Status(fiber.StatusBadRequest)
	}
	return c.Render("admin/outgoing", fiber.Map{
		"Title": h.web.TextsOf(c).T("outgoing.title"), "Lines": lines, "Total": total, "Form": view,
		"Errors": map[string]string(problems), "Kinds": paper.Kinds, "Deliveries": registry.Deliveries,
		"Pager": web.NewPager("/admin/outgoing", q, f.Page, total, registry.PageSize), "Export": q.Encode(),
	})
}

// outgoingExport exports what the register's filter shows, every page of it, as CSV or XLSX.
func (h *handlers) outgoingExport(c *fiber.Ctx) error {
	format := c.Params("format")
	if format != "csv" && format != "xlsx" {
		return errs.New(errs.NotFound, "error.not_found")
	}
	f, _, problems := outgoingFilter(web.Query(c))
	if err := problems.Err(); err != nil {
		return err
	}
	l := h.web.TextsOf(c)
	header := []string{l.T("outgoing.number"), l.T("outgoing.date"), l.T("outgoing.kind"), l.T("outgoing.addressee"),
		l.T("outgoing.address"), l.T("outgoing.delivery"), l.T("outgoing.dispatched"), l.T("appeal.index"), l.T("outgoing.subject")}
	row := func(o *registry.OutgoingLine) []string {
		dispatched := ""
		if o.DispatchedAt != nil {
			dispatched = o.DispatchedAt.In(h.Timezone).Format("2006-01-02 15:04")
		}
		return []string{web.CSVSafe(o.OutNumber), o.OutDate.Format(time.DateOnly), l.T("letter.kind." + o.Kind),
			web.CSVSafe(o.AddresseeName), web.CSVSafe(o.AddresseeAddress), l.T("delivery." + o.Delivery), dispatched,
			web.CSVSafe(o.RegIndex), web.CSVSafe(o.Subject)}
	}
	name := fmt.Sprintf("vykhidni-%s.%s", time.Now().In(h.Timezone).Format(time.DateOnly), format)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	ctx := c.UserContext()
	if format == "xlsx" {
		var b bytes.Buffer
		err := report.WriteSheet(&b, "outgoing", l.T("outgoing.title"), header, func(add func(...any)) error {
			return h.Registry.EachOutgoing(ctx, f, func(o *registry.OutgoingLine) error {
				cells := row(o)
				values := make([]any, len(cells))
				for i, v := range cells {
					values[i] = v
				}
				add(values...)
				return nil
			})
		})
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, report.ContentTypes["xlsx"])
		return c.Send(b.Bytes())
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	var b bytes.Buffer
	b.WriteString(web.CSVBOM)
	w := csv.NewWriter(&b)
	if err := w.Write(header); err != nil {
		return err
	}
	if err := h.Registry.EachOutgoing(ctx, f, func(o *registry.OutgoingLine) error { return w.Write(row(o)) }); err != nil {
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return c.Send(b.Bytes())
}
