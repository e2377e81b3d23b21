package admin

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/appealform"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/source"
	"github.com/hromada/hromada/internal/web"
)

// staffAppealForm is the form a registrar fills in for an appeal received by any channel but the
// portal, kept as typed to show it again when it is refused.
type staffAppealForm struct {
	appealform.Form
	Channel, ExternalRef, ReceivedAt string
	Nature, Signers                  string
	// Sign is the chosen sign of receipt: "primary", or "repeat:ID" / "duplicate:ID" naming one of the
	// author's earlier appeals. One radio group carries both, so the two can never disagree.
	Sign string
	// EarlierFor is the author key the earlier appeals were last looked up and shown for: the form
	// asks again on submission only when the author was never checked or has changed since.
	EarlierFor string
	// ReplyBy is how the author asks to be answered ("": by e-mail when given, else by post); Acknowledge
	// that they ask for an acknowledgement of registration.
	ReplyBy     string
	Acknowledge bool
	// Settlement is the author's settlement as chosen (an active one's id), "" to find it in the address.
	Settlement string
}

// authorKey is the key of the author as typed now.
func (f staffAppealForm) authorKey() string {
	return registry.AuthorKey(f.LastName, f.FirstName, f.Address)
}

// sign splits the chosen sign into the sign of receipt and the earlier appeal it points at.
func (f staffAppealForm) sign() (string, *int64) { return parseSign(f.Sign) }

// settlementChoices are the active settlements a registrar may choose.
func (h *handlers) settlementChoices(c *fiber.Ctx) (classifier.List, error) {
	active, err := h.Settlements.List(c.UserContext(), true)
	if err != nil {
		return nil, err
	}
	return settlement.Choices(active), nil
}

// staffChannels is every channel but the portal's own.
func (h *handlers) staffChannels() classifier.List {
	var out classifier.List
	for _, c := range h.Classifier.Channels {
		if c.Code != registry.ChannelPortal {
			out = append(out, c)
		}
	}
	return out
}

// Fast entry: the channel and the date of receipt of the last registration are remembered by the
// browser for a working day, so a clerk entering a pile of hotline cards or yesterday's post sets them
// once; "register and next" comes back to an empty form and says which index the last one got.
const (
	// registeredFlash opens the card of an appeal just registered with its banner (index, deadline,
	// the receipt to print) — once, by flash, not by an address that says so for ever.
	registeredFlash  = "appeal.registered.title"
	rememberChannel  = "register_channel"
	rememberReceived = "register_received"
	rememberLast     = "register_last"
	rememberFor      = 12 * time.Hour
	rememberPath     = "/admin/appeals"
)

func (h *handlers) newStaffAppeal(c *fiber.Ctx) error {
	f := staffAppealForm{
		ReceivedAt: h.Registry.Today().Format(form.DayLayout),
		Nature:     registry.NatureIndividual,
		Form:       appealform.Form{Questions: make([]registry.QuestionInput, 1)}, // a card asks one, usually
	}
	if ch := web.Remembered(c, rememberChannel); h.staffChannels().Has(ch) {
		f.Channel = ch
	}
	if d, ok := form.ParseDate(web.Remembered(c, rememberReceived)); ok && !d.After(h.Registry.Today()) {
		f.ReceivedAt = d.Format(form.DayLayout)
	}
	var last *registered
	if v := web.Remembered(c, rememberLast); v != "" {
		h.web.Remember(c, rememberLast, "", rememberPath, 0) // said once
		id, index, _ := strings.Cut(v, " ")
		n, err := strconv.ParseInt(id, 10, 64)
		if index, problem := form.Check(index, false, 40); err == nil && problem == "" && n > 0 && index != "" {
			last = &registered{ID: n, RegIndex: index}
		}
	}
	return h.renderStaffAppealFormWith(c, f, nil, earlierView{}, last, nil)
}

// earlierView is what the form shows about the author's earlier appeals.
type earlierView struct {
	Appeals []registry.EarlierAppeal
	Checked bool // looked up for the author as typed now (an empty list means none were found)
	Ask     bool // the submission stopped to show them: the registrar decides, then registers
	NoKey   bool // asked to look without a surname, a given name and an address
}

// earlierFor looks up the author's earlier appeals when the form was checked for this very author, so
// the list and the registrar's choice survive every re-display of the form (a refused field, another
// question row). A choice of an appeal the list no longer holds falls back to primary.
func (h *handlers) earlierFor(c *fiber.Ctx, f *staffAppealForm) (earlierView, error) {
	key := f.authorKey()
	if key == "" || key != f.EarlierFor {
		f.EarlierFor = ""
		return earlierView{}, nil
	}
	list, err := h.Registry.EarlierAppeals(c.UserContext(), registry.AuthorQuery{LastName: f.LastName,
		FirstName: f.FirstName, Patronymic: f.Patronymic, Address: f.Address})
	if err != nil {
		return earlierView{}, err
	}
	if _, id := f.sign(); id != nil && !slices.ContainsFunc(list, func(e registry.EarlierAppeal) bool { return e.ID == *id }) {
		f.Sign = registry.SignPrimary
	}
	return earlierView{Appeals: list, Checked: true}, nil
}

func (h *handlers) renderStaffAppealForm(c *fiber.Ctx, f staffAppealForm, fields map[string]string) error {
	return h.renderStaffAppealFormWith(c, f, fields, earlierView{}, nil, nil)
}

// renderStaffAppealFormWith shows the form with the earlier appeals: why says why they are shown, and
// holds them when the caller has just looked them up; otherwise they are looked up for the author as typed.
// registered is the appeal the last "register and next" made, announced once above the next form.
type registered struct {
	ID       int64
	RegIndex string
}

// renderStaffAppealFormWith shows the form; last is the appeal "register and next" made, known the
// appeal a card typed in again already is (nil for none).
func (h *handlers) renderStaffAppealFormWith(c *fiber.Ctx, f staffAppealForm, fields map[string]string, why earlierView, last, known *registered) error {
	earlier := why
	if !why.Checked {
		var err error
		if earlier, err = h.earlierFor(c, &f); err != nil {
			return err
		}
		earlier.Ask, earlier.NoKey = why.Ask, why.NoKey
	}
	if f.Sign == "" {
		f.Sign = registry.SignPrimary
	}
	l := h.web.TextsOf(c)
	places, err := h.settlementChoices(c)
	if err != nil {
		return err
	}
	offer := h.offerAnonymous(f, fields)
	return c.Render("admin/appeal_new", fiber.Map{
		"MoreOpen":        moreOpen(f, fields),
		"FilesFolded":     true, // a scan of a letter goes under «Додаткові відомості»: a call has none
		"Registered":      last,
		"Known":           known,
		"Problems":        h.staffProblems(l, fields, len(f.Questions)),
		"OfferAnonymous":  offer,
		"Settlements":     places,
		"Earlier":         earlier,
		"AllChannels":     h.Classifier.Channels,
		"Title":           l.T("admin.register.title"),
		"Form":            f,
		"Errors":          fields,
		"Channels":        h.staffChannels(),
		"Natures":         h.Classifier.Natures,
		"ReplyDeliveries": registry.ReplyDeliveries,
		"Types":           h.Classifier.Types,
		"Subjects":        h.Classifier.Subjects,
		"Categories":      h.Classifier.Categories,
		"SocialStatuses":  h.Classifier.SocialStatuses,
		"Genders":         h.Classifier.Genders,
	})
}

// offerAnonymous turns the refusal of a written appeal that names its author but not their address into
// an offer: such an appeal is anonymous (Art. 8), so the form offers to register it as one rather than
// refuse it. An oral appeal is not offered: the registrar asks the caller or the visitor instead.
func (h *handlers) offerAnonymous(f staffAppealForm, fields map[string]string) bool {
	ch, known := h.Classifier.Channels.Get(f.Channel)
	if !known || ch.DocumentKind == registry.DocOral || (f.Nature != "" && f.Nature != registry.NatureIndividual) ||
		f.LastName == "" || fields["address"] != "appeal.error.address_required" {
		return false
	}
	fields["address"] = "terms.register.no_address"
	return true
}

// createStaffAppeal registers an appeal on behalf of its author, or shows the form again with every
// problem beside its field. Success redirects to the registration card.
func (h *handlers) createStaffAppeal(c *fiber.Ctx) error {
	values, files, err := web.FormWithFiles(c, "attachments")
	if err != nil {
		return err
	}
	r := form.New(values)
	places, err := h.settlementChoices(c)
	if err != nil {
		return err
	}
	f := readStaffAppealForm(r, places)
	f.HadFiles = len(files) > 0
	switch values.Get("action") {
	case "add_question":
		f.AddQuestion()
		return h.renderStaffAppealForm(c, f, r.Problems())
	case "check_earlier":
		// The registrar asked: look up this author now (without JavaScript, by sending the form back).
		f.EarlierFor = f.authorKey()
		return h.renderStaffAppealFormWith(c, f, nil, earlierView{NoKey: f.EarlierFor == ""}, nil, nil)
	case "as_anonymous":
		// The registrar took the offer (offerAnonymous): registered as anonymous, the name kept as given.
		f.Nature = registry.NatureAnonymous
	}
	// Registering an author whose earlier appeals were never shown: they are shown first when there are
	// any (with the form's other problems, if it has some), so a repeat is not registered as a first
	// appeal only because nobody looked.
	var ask earlierView
	if key := f.authorKey(); key != "" && key != f.EarlierFor {
		earlier, err := h.Registry.EarlierAppeals(c.UserContext(), registry.AuthorQuery{LastName: f.LastName,
			FirstName: f.FirstName, Patronymic: f.Patronymic, Address: f.Address})
		if err != nil {
			return err
		}
		if len(earlier) > 0 {
			// The choice starts from what the registry proposes (the rule a portal e-appeal gets), so a
			// repeat on the same subject is one click to confirm.
			f.EarlierFor = key
			f.Sign = signValue(registry.ProposeSign(earlier, registry.SubjectCodes(f.Questions), h.Registry.Today()))
			ask = earlierView{Appeals: earlier, Checked: true, Ask: true}
		}
	}
	registrar := web.PersonOf(c).ID
	in := f.Input(files)
	in.Channel, in.RegisteredBy, in.ExternalRef, in.Nature = f.Channel, &registrar, f.ExternalRef, f.Nature
	in.Sign, in.RelatedAppealID = f.sign()
	in.ReplyBy, in.Acknowledge = f.ReplyBy, f.Acknowledge
	if id, err := strconv.ParseInt(f.Settlement, 10, 64); err == nil {
		in.SettlementID = &id
	}
	// What only the form can tell wrong: characters, a date or a number that cannot be read.
	own := r.Problems()
	if day, ok := form.ParseDate(f.ReceivedAt); !ok {
		own.Add("received_at", "fastentry.error.date")
	} else if !day.Equal(h.Registry.Today()) {
		// An earlier day: its start in the council's zone; today: the moment of registration.
		in.ReceivedAt = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, h.Timezone)
	}
	if f.Nature == registry.NatureCollective {
		n, err := strconv.Atoi(f.Signers)
		if err != nil {
			own.Add("signers", "appeal.error.signers")
		}
		in.Signers = n
		if err != nil {
			in.Signers = 2 // checked above; let the rest of the form be checked too
		}
	}
	if len(own) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderStaffAppealFormWith(c, f, appealform.Merge(own, appealform.ContentProblems(h.Registry, in)), ask, nil, nil)
	}
	if ask.Ask {
		if problems := appealform.ContentProblems(h.Registry, in); len(problems) > 0 {
			c.Status(fiber.StatusUnprocessableEntity)
			return h.renderStaffAppealFormWith(c, f, problems, ask, nil, nil)
		}
		c.Status(fiber.StatusConflict) // nothing wrong, but the registrar decides first
		return h.renderStaffAppealFormWith(c, f, nil, ask, nil, nil)
	}
	if err := h.cardOfSource(c, f, &in); err != nil {
		return err
	}
	appeal, err := h.Registry.RegisterAppeal(c.UserContext(), in)
	if invalid := errs.As(err, errs.Invalid); invalid != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderStaffAppealForm(c, f, invalid.Fields)
	}
	if errs.Is(err, errs.Conflict) && in.SourceID != nil {
		// The card is in the registry already (typed in before, or imported from the hotline's export).
		known, findErr := h.Registry.AppealByExternal(c.UserContext(), *in.SourceID, in.ExternalNumber)
		if findErr != nil {
			return errors.Join(err, findErr)
		}
		c.Status(fiber.StatusConflict)
		return h.renderStaffAppealFormWith(c, f, map[string]string{"external_ref": "fastentry.error.known_card"}, earlierView{},
			nil, &registered{ID: known.ID, RegIndex: known.RegIndex})
	}
	if err != nil {
		return err
	}
	h.Log.Info("appeal registered by staff", "appeal_id", appeal.ID, "reg_index", appeal.RegIndex,
		"channel", appeal.Channel, "sign", appeal.Sign, "registrar_id", registrar)
	h.web.Remember(c, rememberChannel, f.Channel, rememberPath, rememberFor)
	if day, ok := form.ParseDate(f.ReceivedAt); ok {
		h.web.Remember(c, rememberReceived, day.Format(form.DayLayout), rememberPath, rememberFor)
	}
	if values.Get("action") == "submit_next" {
		h.web.Remember(c, rememberLast, strconv.FormatInt(appeal.ID, 10)+" "+appeal.RegIndex, rememberPath, rememberFor)
		return c.Redirect("/admin/appeals/new", fiber.StatusSeeOther)
	}
	return h.web.Done(c, registeredFlash, fmt.Sprintf("/admin/appeals/%d", appeal.ID))
}

// readStaffAppealForm reads the registrar's form: the appeal's fields and the receipt details; the
// settlement among places, the active settlements.
func readStaffAppealForm(r *form.Reader, places classifier.List) staffAppealForm {
	line := func(field string) string { return r.Line(field, form.MaxLine) }
	f := staffAppealForm{Form: appealform.Read(r),
		Channel: line("channel"), ExternalRef: line("external_ref"), ReceivedAt: line("received_at"),
		Nature: line("nature"), Signers: line("signers"), Sign: line("sign"), EarlierFor: line("earlier_for"),
		ReplyBy: r.Code("reply_by", form.In(registry.ReplyDeliveries...)), Acknowledge: r.Flag("acknowledge"),
		Settlement: r.Code("settlement", places.Has)}
	if f.Channel == registry.ChannelPortal {
		f.Channel = "" // the portal's appeals are the citizens' own: refused as "choose from the list"
	}
	return f
}

// staffProblems lists the form's problems for the summary above it, in the order of its fields.
func (h *handlers) staffProblems(l *i18n.L, fields map[string]string, questions int) []appealform.Problem {
	if len(fields) == 0 {
		return nil
	}
	f := func(name, label string) appealform.Field { return appealform.Field{Name: name, Label: l.T(label)} }
	before := []appealform.Field{f("channel", "appeal.channel"), f("external_ref", "admin.register.external_ref"),
		f("received_at", "appeal.received"), f("nature", "admin.register.nature"), f("signers", "admin.register.signers")}
	after := []appealform.Field{f("settlement", "settlement.field.settlement"), f("sign", "admin.register.earlier.title"),
		f("reply_by", "admin.register.reply_by")}
	return appealform.ProblemsAround(l, fields, questions, before, after)
}

// earlierAppeals is the author's earlier appeals as the form shows them, for the script that shows them
// as soon as a surname and an address are typed; without the script, the form's own button does it.
func (h *handlers) earlierAppeals(c *fiber.Ctx) error {
	r := form.New(web.Query(c))
	line := func(field string) string { return r.Line(field, form.MaxLine) }
	f := staffAppealForm{Form: appealform.Form{LastName: line("last_name"), FirstName: line("first_name"),
		Patronymic: line("patronymic"), Address: line("address")}, Sign: line("sign")}
	if len(r.Problems()) > 0 {
		return errs.New(errs.Invalid, "error.bad_request")
	}
	f.EarlierFor = f.authorKey()
	earlier, err := h.earlierFor(c, &f)
	if err != nil {
		return err
	}
	earlier.NoKey = f.EarlierFor == ""
	if f.Sign == "" {
		f.Sign = registry.SignPrimary
	}
	return c.Render("admin/earlier", fiber.Map{"Form": f, "Earlier": earlier, "Errors": map[string]string{},
		"AllChannels": h.Classifier.Channels})
}

// cardRefPattern is a hotline card's reference as registrars type it: "№ 1545-77 від 29.11.2026",
// "1545-77 від 29.11.2026", "1545-77, 29.11.2026" or the number alone.
var cardRefPattern = regexp.MustCompile(`^(?:№\s*)?([^\s,;]+)(?:[,;]?\s+(?:від\s+|from\s+)?(\d{1,2}\.\d{1,2}\.\d{4}))?$`)

// cardOfSource makes the reference of an appeal received through a source's channel (a hotline)
// structured: the source, the card's number and date. Such a card is then known for ever: typed in
// twice, or typed in and later imported from the hotline's export, it is one appeal. A reference that
// does not read as a number and a date stays as typed.
func (h *handlers) cardOfSource(c *fiber.Ctx, f staffAppealForm, in *registry.RegisterInput) error {
	m := cardRefPattern.FindStringSubmatch(strings.TrimSpace(f.ExternalRef))
	if m == nil {
		return nil
	}
	sources, err := h.Sources.List(c.UserContext(), true)
	if err != nil {
		return err
	}
	var of []source.Source
	for _, s := range sources {
		if s.Channel == f.Channel {
			of = append(of, s)
		}
	}
	if len(of) != 1 { // no source, or several on one channel: which one is not for us to guess
		return nil
	}
	in.SourceID, in.ExternalNumber, in.ExternalRef = &of[0].ID, m[1], ""
	if d, ok := form.ParseDate(m[2]); ok {
		in.ExternalDate = &d
	}
	return nil
}

// moreOpen says whether the form's folded part ("Додаткові відомості": the nature, the settlement, the
// gender, how to answer, files) opens: when it holds a choice other than the default or a problem. Folded, it
// keeps the tab order to the fields a hotline card needs.
func moreOpen(f staffAppealForm, fields map[string]string) bool {
	for _, field := range []string{"nature", "signers", "settlement", "gender", "reply_by", "attachments"} {
		if _, bad := fields[field]; bad {
			return true
		}
	}
	return (f.Nature != "" && f.Nature != registry.NatureIndividual) || f.Settlement != "" || f.Gender != "" ||
		f.ReplyBy != "" || f.Acknowledge || f.HadFiles
}
