package portal

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/web"
)

const signatoriesPerPage = 50

// listWindow is how long an anonymous reader may be given a list rendered for someone else (web.Shared):
// the list's own max-age. A petition's page is reused while its stamp is the same instead.
const listWindow = time.Second

// listFilter reads the list's filters from the query string. States, subjects and orders that are not
// offered are ignored (the whole public list); a search that cannot be read is a problem beside the box.
func listFilter(c *fiber.Ctx) (petition.Filter, errs.Validation) {
	values := web.Query(c)
	r := form.New(values)
	f := petition.Filter{Query: r.Line("q", form.MaxSearch), Page: form.PageOf(values), PerPage: 20,
		State: r.Line("state", form.MaxLine), Subject: r.Line("subject", form.MaxLine), Sort: r.Line("sort", form.MaxLine)}
	problems := errs.Validation{}
	if msg, ok := r.Problems()["q"]; ok {
		problems.Add("q", msg)
	}
	return f, problems
}

func (h *handlers) petitions(c *fiber.Ctx) error {
	return h.web.Shared(c, web.Share{Fresh: listWindow}, func() error { return h.renderPetitions(c) })
}

func (h *handlers) renderPetitions(c *fiber.Ctx) error {
	f, problems := listFilter(c)
	list, total, err := h.Petitions.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		c.Status(fiber.StatusBadRequest)
	} else {
		web.PublicToAnonymous(c)
	}
	filter := url.Values{}
	for k, x := range map[string]string{"state": f.State, "subject": f.Subject, "q": f.Query, "sort": f.Sort} {
		if x != "" {
			filter.Set(k, x)
		}
	}
	return c.Render("portal/petition_list", fiber.Map{
		"Title": h.web.TextsOf(c).T("petitions.title"), "Petitions": list, "Filter": f, "Total": total, "Errors": problems,
		"States": petition.PublicStates, "Sorts": petition.Sorts, "Subjects": h.Classifier.Subjects,
		"Pager": web.NewPager("/petitions", filter, f.Page, total, f.PerPage),
	})
}

// showPetition is the petition's page; anonymous readers share one rendering per language and address
// while the petition's stamp (its last change and its count) stays the same.
func (h *handlers) showPetition(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if web.PersonOf(c) != nil {
		return h.renderPetition(c, id)
	}
	st, err := h.Petitions.PublicStamp(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.web.Shared(c, h.share(id, st), func() error { return h.renderPetition(c, id) })
}

func (h *handlers) renderPetition(c *fiber.Ctx, id int64) error {
	viewer := web.PersonOf(c)
	var viewerID int64
	if viewer != nil {
		viewerID = viewer.ID
	}
	p, err := h.Petitions.Page(c.UserContext(), id, viewerID)
	if err != nil {
		return err
	}
	count, err := h.Petitions.Count(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	signers, pager, first, err := h.signatories(c, p.ID, count)
	if err != nil {
		return err
	}
	history, err := h.Petitions.History(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	signed := false
	if viewer != nil && viewer.TaxIDHash != nil {
		if signed, err = h.Petitions.HasSigned(c.UserContext(), p.ID, *viewer.TaxIDHash); err != nil {
			return err
		}
	}
	signedNote, err := signedNote(c, signed)
	if err != nil {
		return err
	}
	places, err := h.Petitions.BySettlement(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	shareURL := h.Config.BaseURL.JoinPath(c.Path()).String()
	if viewer == nil && p.Public() {
		// Anonymous views of a popular petition may be served from a shared cache for a second.
		c.Set(fiber.HeaderCacheControl, "public, max-age=1, stale-while-revalidate=5")
	}
	return c.Render("portal/petition_show", fiber.Map{
		"Title": p.Title, "Petition": p, "Count": count, "Percent": min(100, count*100/max(p.Threshold, 1)),
		"DaysLeft": h.Petitions.DaysLeft(p), "Signers": signers, "SignersPager": pager,
		"FirstSigner": first, "History": history, "Signed": signed, "SignedNote": signedNote,
		"CanSign": p.State == petition.StateCollecting, "Subjects": h.Classifier.Subjects,
		"JustCreated": c.Query("created") == "1", "BySettlement": places, "ShareURL": shareURL,
		"OG": map[string]string{"Title": p.Title, "Description": ogDescription(p.Text), "URL": shareURL},
	})
}

// share is how a petition's public page and JSON are reused: while its stamp is the same.
func (h *handlers) share(id int64, st petition.Stamp) web.Share {
	return web.Share{Version: st.Version, Current: func() bool {
		now, ok := h.Petitions.CurrentStamp(id)
		return ok && now.Version == st.Version
	}}
}

// signatories reads the page of signatories the address asks for, by keyset: the links carry the page's
// number (for the numbering and "page N of M") and the signature after which, or before which, it
// starts. A page number without a signature is the first page: a deep page is never counted off.
func (h *handlers) signatories(c *fiber.Ctx, id int64, count int) ([]petition.Signature, web.Pager, int, error) {
	r := web.ReadQuery(c)
	page := form.PageOf(web.Query(c))
	after, before := r.ID("after"), r.ID("before")
	if after == 0 && before == 0 {
		page = 1
	}
	list, err := h.Petitions.Signatories(c.UserContext(), id, after, before, signatoriesPerPage)
	if err != nil {
		return nil, web.Pager{}, 0, err
	}
	if before > 0 && len(list) < signatoriesPerPage {
		page = 1 // nothing before these: the first page, whatever the link said
	}
	path := fmt.Sprintf("/petitions/%d", id)
	link := func(n int, key string, sig int64) string {
		if n <= 1 {
			return path
		}
		return path + "?" + url.Values{"page": {strconv.Itoa(n)}, key: {strconv.FormatInt(sig, 10)}}.Encode()
	}
	pager := web.Pager{Page: page, Pages: max((count+signatoriesPerPage-1)/signatoriesPerPage, page, 1)}
	if page > 1 && len(list) > 0 {
		pager.Prev = link(page-1, "before", list[0].ID)
	}
	if len(list) == signatoriesPerPage && page < pager.Pages {
		pager.Next = link(page+1, "after", list[len(list)-1].ID)
	}
	return list, pager, (page-1)*signatoriesPerPage + 1, nil
}

// signedNote is the one message the page says about the visitor's signature: the thanks just after
// signing (instead of the flash banner above it), or that they have signed.
func signedNote(c *fiber.Ctx, signed bool) (string, error) {
	for _, id := range []string{"petition.signed", "petition.already_signed"} {
		if taken, err := web.TakeFlash(c, id); taken || err != nil {
			return id, err
		}
	}
	if signed {
		return "petition.you_signed", nil
	}
	return "", nil
}

func ogDescription(text string) string {
	r := []rune(strings.Join(strings.Fields(text), " "))
	if len(r) > 200 {
		return string(r[:199]) + "…"
	}
	return string(r)
}

// signPetition adds the signature; signing twice says so on the page rather than failing.
func (h *handlers) signPetition(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.PersonOf(c)
	key := ""
	if p.TaxIDHash != nil {
		key = *p.TaxIDHash
	}
	// Both limits are counted with the signature, in its one round trip; the address, which many people
	// may share, last. Over either: 429 (*ratelimit.Over, web's error handler) and no signature.
	limits := h.web.Counters(c, byAccount("sign", h.Config.Limits.Sign), byIP("sign", h.Config.Limits.SignIP))
	added, err := h.Petitions.Sign(c.UserContext(), id, petition.Signer{PersonID: p.ID, Key: key,
		Name: p.FullName(), Address: p.Address}, limits...)
	if e := errs.As(err, errs.Conflict, errs.Forbidden); e != nil {
		return h.web.Done(c, e.Message, fmt.Sprintf("/petitions/%d", id))
	}
	if err != nil {
		return err
	}
	msg := "petition.signed"
	if !added {
		msg = "petition.already_signed"
	}
	return h.web.Done(c, msg, fmt.Sprintf("/petitions/%d", id))
}

// petitionForm is the new-petition form as the author filled it in.
type petitionForm struct {
	Title, Text, Subject string
}

func (h *handlers) newPetition(c *fiber.Ctx) error {
	return h.renderPetitionForm(c, petitionForm{}, nil, nil, false)
}

func (h *handlers) renderPetitionForm(c *fiber.Ctx, f petitionForm, fields map[string]string, similar []petition.Petition, checked bool) error {
	return c.Render("portal/petition_new", fiber.Map{
		"Title": h.web.TextsOf(c).T("petition.new.title"), "Form": f, "Errors": fields, "Similar": similar,
		"Checked": checked, "Subjects": h.Classifier.Subjects, "Rules": h.Petitions.Rules(),
	})
}

// createPetition first shows petitions like this one that are still collecting ("check"), then creates
// it when the author confirms ("submit").
func (h *handlers) createPetition(c *fiber.Ctx) error {
	p := web.PersonOf(c)
	values, _, err := web.FormWithFiles(c, "file")
	if err != nil {
		return err
	}
	r := form.New(values)
	// The domain checks the lengths it allows; the edge bounds them and checks the characters.
	f := petitionForm{Title: r.Line("title", form.MaxLine), Text: r.Text("text", form.MaxText), Subject: r.Line("subject", form.MaxLine)}
	if problems := r.Problems(); len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderPetitionForm(c, f, problems, nil, false)
	}
	file := web.OptionalUpload(c, "file")
	if values.Get("action") != "submit" {
		similar, err := h.Petitions.Similar(c.UserContext(), f.Title)
		if err != nil {
			return err
		}
		if len(similar) > 0 {
			return h.renderPetitionForm(c, f, nil, similar, true)
		}
	}
	created, err := h.Petitions.Create(c.UserContext(), petition.CreateInput{PersonID: p.ID, AuthorName: p.FullName(),
		AuthorEmail: p.Email, Title: f.Title, Text: f.Text, SubjectCode: f.Subject, Attachment: file})
	if invalid := errs.As(err, errs.Invalid); invalid != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderPetitionForm(c, f, invalid.Fields, nil, false)
	}
	if err != nil {
		return err
	}
	h.Log.Info("petition created", "petition_id", created.ID)
	return c.Redirect(fmt.Sprintf("/petitions/%d?created=1", created.ID), fiber.StatusSeeOther)
}

// petitionFile sends a petition's attachment, or its answer's, as a download.
func (h *handlers) petitionFile(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var viewerID int64
	if p := web.PersonOf(c); p != nil {
		viewerID = p.ID
	}
	f, r, err := h.Petitions.OpenFile(c.UserContext(), id, viewerID, c.Params("which") == "answer")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300") // a published petition's file is public
	return web.SendDownload(c, f.Name, f.Type, f.Size, r)
}

func (h *handlers) myPetitions(c *fiber.Ctx) error {
	list, err := h.Petitions.OfAuthor(c.UserContext(), web.PersonOf(c).ID)
	if err != nil {
		return err
	}
	return c.Render("portal/petition_mine", fiber.Map{"Title": h.web.TextsOf(c).T("petitions.mine"), "Petitions": list})
}

// The open data: petitions in JSON and CSV, with no personal data beyond signatories' and authors' names.

type petitionJSON struct {
	ID               int64       `json:"id"`
	Title            string      `json:"title"`
	Text             string      `json:"text"`
	Subject          string      `json:"subject"`
	State            string      `json:"state"`
	Author           string      `json:"author"`
	Signatures       int         `json:"signatures"`
	Threshold        int         `json:"threshold"`
	PublishedAt      *time.Time  `json:"published_at"`
	CollectionEndsAt *time.Time  `json:"collection_ends_at"`
	ThresholdReached *time.Time  `json:"threshold_reached_at"`
	Answer           *answerJSON `json:"answer"`
	URL              string      `json:"url"`
}

type answerJSON struct {
	Kind string    `json:"kind"`
	Text string    `json:"text"`
	Date time.Time `json:"date"`
}

func (h *handlers) toJSON(p *petition.Petition, count int) petitionJSON {
	j := petitionJSON{ID: p.ID, Title: p.Title, Text: p.Text, Subject: p.SubjectCode, State: p.State, Author: p.AuthorName,
		Signatures: count, Threshold: p.Threshold, PublishedAt: p.PublishedAt, CollectionEndsAt: p.CollectionEndsAt,
		ThresholdReached: p.ThresholdReachedAt, URL: h.Config.BaseURL.JoinPath("/petitions/", strconv.FormatInt(p.ID, 10)).String()}
	if p.AnsweredAt != nil {
		j.Answer = &answerJSON{Kind: p.AnswerKind, Text: p.AnswerText, Date: *p.AnsweredAt}
	}
	return j
}

func (h *handlers) apiPetitions(c *fiber.Ctx) error {
	return h.web.Shared(c, web.Share{Fresh: listWindow}, func() error { return h.renderAPIPetitions(c) })
}

func (h *handlers) renderAPIPetitions(c *fiber.Ctx) error {
	f, problems := listFilter(c)
	if len(problems) > 0 {
		return &errs.Error{Code: errs.Invalid, Message: problems["q"], Fields: problems}
	}
	f.PerPage = min(max(c.QueryInt("per_page", 20), 1), 100)
	f.WithText = true
	list, total, err := h.Petitions.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	items := make([]petitionJSON, 0, len(list))
	for i := range list {
		items = append(items, h.toJSON(&list[i], list[i].SignatureCount))
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=5")
	return c.JSON(fiber.Map{"items": items, "page": f.Page, "per_page": f.PerPage, "total": total})
}

func (h *handlers) apiPetition(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	st, err := h.Petitions.PublicStamp(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.web.Shared(c, h.share(id, st), func() error {
		p, err := h.Petitions.Page(c.UserContext(), id, 0)
		if err != nil {
			return err
		}
		count, err := h.Petitions.Count(c.UserContext(), p.ID)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "public, max-age=1, stale-while-revalidate=5")
		return c.JSON(h.toJSON(p, count))
	})
}

func (h *handlers) petitionsCSV(c *fiber.Ctx) error {
	return h.web.Shared(c, web.Share{Fresh: listWindow}, func() error { return h.renderPetitionsCSV(c) })
}

func (h *handlers) renderPetitionsCSV(c *fiber.Ctx) error {
	list, err := h.Petitions.AllPublic(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="petitions.csv"`)
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	w := csv.NewWriter(c.Response().BodyWriter())
	_ = w.Write([]string{"id", "title", "subject", "state", "author", "signatures", "threshold", "published_at",
		"collection_ends_at", "threshold_reached_at", "answer_kind", "answered_at", "url"})
	ts := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for i := range list {
		p := &list[i]
		j := h.toJSON(p, p.SignatureCount)
		_ = w.Write([]string{strconv.FormatInt(p.ID, 10), web.CSVSafe(p.Title), p.SubjectCode, p.State, web.CSVSafe(p.AuthorName),
			strconv.Itoa(p.SignatureCount), strconv.Itoa(p.Threshold), ts(p.PublishedAt), ts(p.CollectionEndsAt),
			ts(p.ThresholdReachedAt), p.AnswerKind, ts(p.AnsweredAt), j.URL})
	}
	w.Flush()
	return w.Error()
}
