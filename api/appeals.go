package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// AppealRequest is a new appeal as an integration sends it (POST /api/v1/appeals). The channel is the
// token's source's; everything else is what the registration form asks, by the same rules: the law
// (Art. 5) wants the author's name and address of residence, the substance and at least one question.
type AppealRequest struct {
	ExternalNumber string     `json:"external_number"`         // the card's number in the source's system: required, once per source
	ExternalDate   string     `json:"external_date,omitempty"` // its date there, YYYY-MM-DD
	ReceivedAt     string     `json:"received_at,omitempty"`   // RFC 3339; "" is now
	Type           string     `json:"type"`                    // proposal, application, complaint
	Nature         string     `json:"nature,omitempty"`        // individual (default), collective, anonymous
	Signers        int        `json:"signers,omitempty"`       // a collective appeal's number of signers
	LastName       string     `json:"last_name"`
	FirstName      string     `json:"first_name"`
	Patronymic     string     `json:"patronymic,omitempty"`
	Address        string     `json:"address"` // of residence
	Email          string     `json:"email,omitempty"`
	Phone          string     `json:"phone,omitempty"`
	Gender         string     `json:"gender,omitempty"`
	SocialStatus   string     `json:"social_status,omitempty"`
	Categories     []string   `json:"categories,omitempty"`
	Questions      []Question `json:"questions"`
	Summary        string     `json:"summary"`
	ReplyBy        string     `json:"reply_by,omitempty"` // email or post; "" lets the registry choose
}

// Question is one question of the appeal with its subject (the classifier's code).
type Question struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// maxKeyLen bounds an Idempotency-Key: a UUID is 36 characters.
const maxKeyLen = 255

// createAppeal registers an appeal from the token's source, once: a retry with the same Idempotency-Key
// or the same external number gets the appeal already made (200) instead of a second one (201).
func (h *handlers) createAppeal(c *fiber.Ctx) error {
	token := web.TokenOf(c)
	src, err := h.Sources.Get(c.UserContext(), token.SourceID)
	if err != nil {
		return err
	}
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	var req AppealRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	in, fingerprint, err := h.registerInput(&req, src.ID, src.Channel)
	if err != nil {
		return err
	}
	var ik *registry.IdempotencyKey
	if key != "" {
		ik = &registry.IdempotencyKey{Scope: "api_token:" + strconv.FormatInt(token.ID, 10), Key: key, Fingerprint: fingerprint}
	}
	a, created, err := h.Registry.RegisterOnce(c.UserContext(), in, ik)
	if err != nil {
		return err
	}
	full, err := h.Registry.AppealOfSource(c.UserContext(), src.ID, a.ID)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
		h.Log.Info("appeal registered through the API", "appeal_id", a.ID, "token_id", token.ID, "source_id", src.ID)
	}
	c.Location(fmt.Sprintf("%s/%d", Prefix, a.ID))
	return c.Status(status).JSON(appealOf(full))
}

// idempotencyKey reads the Idempotency-Key header (IETF draft): a string of visible ASCII, "" when the
// client sent none.
func idempotencyKey(c *fiber.Ctx) (string, error) {
	key := c.Get("Idempotency-Key")
	// A structured-field string arrives quoted ("…"); a bare token is accepted as it is.
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1]
	}
	bad := len(key) > maxKeyLen || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e })
	if c.Request().Header.Peek("Idempotency-Key") != nil && key == "" {
		bad = true
	}
	if bad {
		return "", malformed(fieldHeader+"Idempotency-Key", "api.error.idempotency_key")
	}
	return key, nil
}

// malformed is a 400 refusal of one place in the request (a body pointer, a parameter, a header).
func malformed(field, message string) error {
	return &errs.Error{Code: errs.Invalid, Message: msgMalformed, Fields: map[string]string{field: message}}
}

// decodeBody reads the JSON body strictly: one object, no unknown or repeated members, the right type
// for each, valid UTF-8; each refusal names where in the body it is (a JSON pointer, or the byte offset
// of a syntax error).
func decodeBody(c *fiber.Ctx, v any) error {
	if ct := c.Get(fiber.HeaderContentType); !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), fiber.MIMEApplicationJSON) {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "error.api_content_type")
	}
	body := c.Body()
	if len(strings.TrimSpace(string(body))) == 0 {
		return malformed("", "api.error.empty_body")
	}
	err := json.Unmarshal(body, v, json.RejectUnknownMembers(true))
	if err == nil {
		return nil
	}
	var sem *json.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.As(err, &sem) && errors.Is(sem.Err, json.ErrUnknownName):
		return malformed(fromPointer(sem.JSONPointer), "api.error.unknown_member")
	case errors.As(err, &sem):
		return malformed(fromPointer(sem.JSONPointer), "api.error.wrong_type")
	case errors.As(err, &syn):
		return &syntaxError{pointer: fromPointer(syn.JSONPointer), offset: syn.ByteOffset}
	}
	return malformed("", "api.error.not_json")
}

// syntaxError is a body that is not JSON: where it stops being JSON.
type syntaxError struct {
	pointer string
	offset  int64
}

func (e *syntaxError) Error() string { return fmt.Sprintf("not JSON at byte %d", e.offset) }

// Unwrap makes it a malformed request for the web layer (400).
func (e *syntaxError) Unwrap() error { return malformed(e.pointer, "api.error.not_json") }

// fromPointer turns a JSON pointer ("/questions/0/subject") into the dotted field name problem() makes a
// pointer again, so every located error goes one way.
func fromPointer(p jsontext.Pointer) string {
	var parts []string
	for tok := range p.Tokens() {
		parts = append(parts, tok)
	}
	return strings.Join(parts, ".")
}

// registerInput checks every value at the edge (internal/form: UTF-8, no control or direction marks,
// lengths in characters, dates that parse), then asks the registry's own validator, the one the forms
// use. It returns the input and the request's fingerprint: the request as understood, so the same
// appeal sent again with other spacing or member order is the same request.
func (h *handlers) registerInput(req *AppealRequest, sourceID int64, channel string) (registry.RegisterInput, string, error) {
	v := errs.Validation{}
	line := func(field string, s *string) {
		clean, problem := form.Check(*s, false, form.MaxLine)
		if problem != "" {
			v.Add(field, problem)
		}
		*s = clean
	}
	text := func(field string, s *string) {
		clean, problem := form.Check(*s, true, form.MaxText)
		if problem != "" {
			v.Add(field, problem)
		}
		*s = clean
	}
	for field, s := range map[string]*string{"external_number": &req.ExternalNumber, "external_date": &req.ExternalDate,
		"received_at": &req.ReceivedAt, "type": &req.Type, "nature": &req.Nature, "last_name": &req.LastName,
		"first_name": &req.FirstName, "patronymic": &req.Patronymic, "address": &req.Address, "email": &req.Email,
		"phone": &req.Phone, "gender": &req.Gender, "social_status": &req.SocialStatus, "reply_by": &req.ReplyBy} {
		line(field, s)
	}
	text("summary", &req.Summary)
	for i := range req.Categories {
		line(fmt.Sprintf("categories.%d", i), &req.Categories[i])
	}
	for i := range req.Questions {
		line(fmt.Sprintf("questions.%d.subject", i), &req.Questions[i].Subject)
		text(fmt.Sprintf("questions.%d.text", i), &req.Questions[i].Text)
	}
	in := registry.RegisterInput{Channel: channel, SourceID: &sourceID, ExternalNumber: req.ExternalNumber,
		LastName: req.LastName, FirstName: req.FirstName, Patronymic: req.Patronymic, Address: req.Address,
		Email: req.Email, Phone: req.Phone, Gender: req.Gender, SocialStatus: req.SocialStatus,
		Categories: req.Categories, Type: req.Type, Nature: req.Nature, Signers: req.Signers, Summary: req.Summary,
		ReplyBy: req.ReplyBy}
	// A card comes to the registry while it is current: from the start of last year (a December card
	// registered in January) to today. Older dates would number an appeal into a closed year and change
	// a quarter already reported.
	today := h.Registry.Today()
	earliest := time.Date(today.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC)
	if req.ExternalDate != "" {
		d, err := time.Parse(form.DateLayout, req.ExternalDate)
		switch {
		case err != nil:
			v.Add("external_date", "api.error.date")
		case d.Before(earliest) || d.After(today):
			v.Add("external_date", "api.error.date_range")
		default:
			in.ExternalDate = &d
		}
	}
	if req.ReceivedAt != "" {
		t, err := time.Parse(time.RFC3339, req.ReceivedAt)
		switch {
		case err != nil:
			v.Add("received_at", "api.error.datetime")
		case t.Before(earliest):
			v.Add("received_at", "api.error.date_range")
		default:
			in.ReceivedAt = t.UTC() // a day after today is the registry's to refuse, as for the forms
		}
	}
	for _, q := range req.Questions {
		in.Questions = append(in.Questions, registry.QuestionInput{SubjectCode: q.Subject, Text: q.Text})
	}
	if err := v.Err(); err != nil {
		return in, "", err
	}
	if err := h.Registry.Check(in); err != nil {
		return in, "", err
	}
	canonical, err := json.Marshal(req, json.Deterministic(true))
	if err != nil {
		return in, "", err
	}
	sum := sha256.Sum256(canonical)
	return in, hex.EncodeToString(sum[:]), nil
}

// appeal shows one appeal of the token's source: its course and its answer. Another source's appeal is
// 404, as if it did not exist.
func (h *handlers) appeal(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	a, err := h.Registry.AppealOfSource(c.UserContext(), web.TokenOf(c).SourceID, id)
	if err != nil {
		return err
	}
	return c.JSON(appealOf(a))
}

// Appeal is an appeal as the API shows it to its source.
type Appeal struct {
	ID             int64          `json:"id"`
	RegIndex       string         `json:"reg_index"`
	ExternalNumber string         `json:"external_number"`
	ExternalDate   *string        `json:"external_date,omitempty"`
	ReceivedAt     time.Time      `json:"received_at,omitempty"`
	Status         string         `json:"status"`
	DueDate        string         `json:"due_date"`
	Result         string         `json:"result"`
	ForwardedTo    string         `json:"forwarded_to"`
	Questions      []QuestionView `json:"questions"`
	Answer         *Answer        `json:"answer"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

// QuestionView is a question's subject and the result its answer gave it.
type QuestionView struct {
	Subject string `json:"subject"`
	Result  string `json:"result"`
}

// Answer is the approved answer: its date, outgoing number and text.
type Answer struct {
	Date           time.Time `json:"date"`
	OutgoingNumber string    `json:"outgoing_number"`
	Text           string    `json:"text"`
}

func appealOf(a *registry.Appeal) Appeal {
	out := Appeal{ID: a.ID, RegIndex: a.RegIndex, ExternalNumber: a.ExternalNumber, ReceivedAt: a.ReceivedAt.UTC(),
		Status: a.Status, DueDate: a.DueDate.Format(form.DateLayout), Result: a.Result, ForwardedTo: a.ForwardedTo,
		Questions: []QuestionView{}, UpdatedAt: a.UpdatedAt.UTC()}
	if a.ExternalDate != nil {
		d := a.ExternalDate.Format(form.DateLayout)
		out.ExternalDate = &d
	}
	for _, q := range a.Questions {
		out.Questions = append(out.Questions, QuestionView{Subject: q.SubjectCode, Result: q.Result})
	}
	if a.AnsweredAt != nil && a.Status == registry.StatusAnswered {
		out.Answer = &Answer{Date: a.AnsweredAt.UTC(), OutgoingNumber: a.AnswerOutNumber, Text: a.AnswerText}
	}
	return out
}
