package open311

import (
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/georeport"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// Limits of the list of requests: the standard's defaults, a window of 90 days and 1,000 requests.
const (
	defaultWindow = 90 * 24 * time.Hour
	maxRequests   = 1000
	maxIDs        = 100 // ids in one service_request_id list
)

// Limits of what a request brings, in characters, where the registry has no limit of its own.
const (
	maxNameField = 200
	maxAddress   = 500
	maxNumber    = 40 // a coordinate as text
	maxMediaURL  = 2000
	maxAccountID = 200
)

type requestList struct {
	XMLName  xml.Name      `json:"-" xml:"service_requests"`
	Requests []requestItem `xml:"request"`
}

// requestItem is a request as anyone may read it: public fields only. There is no description, name,
// e-mail, phone or address of residence: what the author wrote is theirs, and the place is the public
// part of the report.
type requestItem struct {
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime" xml:"expected_datetime"`
	Address           string   `json:"address" xml:"address"`
	Lat               *float64 `json:"lat" xml:"lat,omitempty"`
	Long              *float64 `json:"long" xml:"long,omitempty"`
}

type createdList struct {
	XMLName  xml.Name      `json:"-" xml:"service_requests"`
	Requests []createdItem `xml:"request"`
}

type createdItem struct {
	ServiceRequestID string `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    string `json:"service_notice" xml:"service_notice"`
	AccountID        string `json:"account_id" xml:"account_id"`
}

// createRequest files a request as an e-appeal in the registry: the token's source gives the channel,
// the service the question's subject, the attributes the author; the registry checks the content as
// it checks the forms'.
func (h *handlers) createRequest(c *fiber.Ctx) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	t := web.TokenOf(c)
	switch {
	case t == nil:
		return errs.New(errs.Unauthenticated, "open311.error.api_key")
	case !t.Has(apitoken.ScopeOpen311):
		return errs.New(errs.Forbidden, "open311.error.scope")
	}
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext() // the machine area's actor: the address and the token (web.Machine)
	code := r.Line("service_code", georeport.MaxCode)
	if code == "" && r.Problems()["service_code"] == "" {
		r.Problem("service_code", "open311.error.service_required")
	}
	var svc *georeport.Service
	if r.Problems()["service_code"] == "" {
		if svc, err = h.Services.ByCode(ctx, code); err != nil {
			return err
		}
	}
	src, err := h.Sources.Get(ctx, t.SourceID)
	if err != nil {
		return err
	}
	in := h.readRequest(r)
	if err := r.Problems().Err(); err != nil {
		return err
	}
	in.Channel, in.ServiceCode = src.Channel, svc.Code
	in.Questions = []registry.QuestionInput{{SubjectCode: svc.SubjectCode, Text: svc.NameUK}}
	a, err := h.Registry.RegisterAppeal(ctx, in)
	if err != nil {
		return err
	}
	l := h.web.TextsOf(c)
	item := createdItem{ServiceRequestID: strconv.FormatInt(a.ID, 10), AccountID: r.Line("account_id", maxAccountID),
		ServiceNotice: l.Tf("open311.notice", "Index", a.RegIndex, "Due", a.DueDate.Format("02.01.2006"))}
	if formatOf(c) == formatXML {
		return send(c, fiber.StatusOK, createdList{Requests: []createdItem{item}})
	}
	return send(c, fiber.StatusOK, []createdItem{item})
}

// readRequest reads what a request says of its author, the problem and its place; each value is
// checked at the edge (form.Reader), problems go to r.
func (h *handlers) readRequest(r *form.Reader) registry.RegisterInput {
	in := registry.RegisterInput{Type: registry.TypeApplication,
		LastName:   attributeOr(r, attrLastName, "last_name"),
		FirstName:  attributeOr(r, attrFirstName, "first_name"),
		Patronymic: r.Line("attribute["+attrPatronymic+"]", maxNameField),
		Address:    r.Line("attribute["+attrResidence+"]", maxAddress),
		Email:      r.Line("email", maxNameField),
		Phone:      r.Line("phone", maxNumber),
		Summary:    r.Text("description", form.MaxText),
	}
	r.Line("device_id", maxNameField) // read to be checked; a device is nobody's business here
	r.Line("address_id", maxNameField)
	in.Place.Address = r.Line("address_string", maxAddress)
	in.Place.Latitude = coordinate(r, "lat")
	in.Place.Longitude = coordinate(r, "long")
	if in.Place.Latitude == nil && in.Place.Longitude == nil && in.Place.Address == "" && r.Problems()["lat"] == "" {
		r.Problem("lat", "open311.error.location_required")
	}
	if in.Email == "" && in.Phone == "" {
		// An electronic appeal needs an e-mail or another contact (Art. 5).
		r.Problem("email", "open311.error.contact_required")
	}
	if in.Summary == "" && r.Problems()["description"] == "" {
		// Said here, not left to the registry: the photo's link below would pass for a description.
		r.Problem("description", "appeal.error.summary_required")
	}
	if media := r.Line("media_url", maxMediaURL); media != "" {
		if u, err := url.Parse(media); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			r.Problem("media_url", "open311.error.media_url")
		} else {
			// The photo stays where the app keeps it; the card shows the link in the text, in the
			// registry's language.
			in.Summary += "\n\n" + h.web.Texts(i18n.Languages[0]).T("open311.media") + ": " + media
		}
	}
	return in
}

// attributeOr reads a name from its attribute, or from the standard's own field when the attribute
// is not sent.
func attributeOr(r *form.Reader, attr, field string) string {
	if v := r.Line("attribute["+attr+"]", maxNameField); v != "" {
		return v
	}
	v := r.Line(field, maxNameField)
	r.Rename(field, "attribute["+attr+"]")
	return v
}

// coordinate reads a coordinate in decimal degrees; "" is none.
func coordinate(r *form.Reader, field string) *float64 {
	v := r.Line(field, maxNumber)
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		r.Problem(field, "appeal.error.place_coordinates")
		return nil
	}
	return &f
}

// request is one request by its id, public fields only.
func (h *handlers) request(c *fiber.Ctx) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return errs.New(errs.NotFound, "open311.error.unknown_request")
	}
	sr, err := h.Registry.ServiceRequestByID(c.UserContext(), id)
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			return errs.New(errs.NotFound, "open311.error.unknown_request")
		}
		return err
	}
	return h.sendRequests(c, []registry.ServiceRequest{*sr})
}

// requests lists requests by the standard's filters: service_request_id (a list; then the others do not
// count), service_code (a list), start_date and end_date (at most 90 days apart; the last 90 days when
// neither is given), status (open, closed or both). At most 1,000, the newest first.
func (h *handlers) requests(c *fiber.Ctx) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	f, err := h.readFilter(web.ReadQuery(c))
	if err != nil {
		return err
	}
	list, err := h.Registry.ServiceRequests(c.UserContext(), f)
	if err != nil {
		return err
	}
	return h.sendRequests(c, list)
}

func (h *handlers) readFilter(r *form.Reader) (registry.RequestFilter, error) {
	f := registry.RequestFilter{Limit: maxRequests}
	for _, v := range listOf(r.Line("service_request_id", form.MaxLine)) {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			r.Problem("service_request_id", "open311.error.request_id")
			break
		}
		f.IDs = append(f.IDs, id)
	}
	if len(f.IDs) > maxIDs {
		r.Problem("service_request_id", "open311.error.too_many_ids")
	}
	f.ServiceCodes = listOf(r.Line("service_code", form.MaxLine))
	for _, st := range listOf(r.Line("status", form.MaxSearch)) {
		switch st {
		case "open":
			f.Open = true
		case "closed":
			f.Closed = true
		default:
			r.Problem("status", "open311.error.status")
		}
	}
	from := h.datetime(r, "start_date")
	to := h.datetime(r, "end_date")
	if err := r.Problems().Err(); err != nil {
		return f, err
	}
	switch {
	case from.IsZero() && to.IsZero():
		to = h.Now()
		from = to.Add(-defaultWindow)
	case from.IsZero():
		from = to.Add(-defaultWindow)
	case to.IsZero():
		to = from.Add(defaultWindow)
	}
	switch {
	case !from.Before(to):
		return f, errs.Validation{"end_date": "open311.error.dates"}.Err()
	case to.Sub(from) > defaultWindow:
		return f, errs.Validation{"end_date": "open311.error.window"}.Err()
	}
	// end_date includes its own instant.
	f.From, f.To = from, to.Add(time.Second)
	return f, nil
}

// datetime reads a date and time in the W3C profile of ISO 8601 with its zone, as the standard has it;
// a bare date is midnight in the council's zone.
func (h *handlers) datetime(r *form.Reader, field string) time.Time {
	v := r.Line(field, maxNumber)
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil && t.Year() > 1900 && t.Year() < 10000 {
		return t
	}
	if t, err := time.ParseInLocation(form.DateLayout, v, h.Timezone); err == nil && t.Year() > 1900 {
		return t
	}
	r.Problem(field, "open311.error.datetime")
	return time.Time{}
}

// listOf splits a comma-separated list, dropping empty items.
func listOf(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// sendRequests writes requests as the standard lists them.
func (h *handlers) sendRequests(c *fiber.Ctx, list []registry.ServiceRequest) error {
	l := h.web.TextsOf(c)
	names := map[string]string{}
	services, err := h.Services.List(c.UserContext(), false)
	if err != nil {
		return err
	}
	for _, s := range services {
		names[s.Code] = s.Name(l.Lang())
	}
	out := requestList{Requests: []requestItem{}}
	for _, sr := range list {
		out.Requests = append(out.Requests, h.itemOf(l, sr, names[sr.ServiceCode]))
	}
	if formatOf(c) == formatXML {
		return send(c, fiber.StatusOK, out)
	}
	return send(c, fiber.StatusOK, out.Requests)
}

func (h *handlers) itemOf(l *i18n.L, sr registry.ServiceRequest, serviceName string) requestItem {
	status := "open"
	if sr.Closed() {
		status = "closed"
	}
	due := sr.DueDate
	// The deadline is a calendar date in the council's zone: the request is expected by its end.
	expected := time.Date(due.Year(), due.Month(), due.Day(), 23, 59, 59, 0, h.Timezone)
	return requestItem{
		ServiceRequestID:  strconv.FormatInt(sr.ID, 10),
		Status:            status,
		StatusNotes:       h.statusNotes(l, sr),
		ServiceName:       serviceName,
		ServiceCode:       sr.ServiceCode,
		AgencyResponsible: h.Contact,
		RequestedDatetime: sr.ReceivedAt.In(h.Timezone).Format(time.RFC3339),
		UpdatedDatetime:   sr.UpdatedAt.In(h.Timezone).Format(time.RFC3339),
		ExpectedDatetime:  expected.Format(time.RFC3339),
		Address:           sr.PlaceAddress,
		Lat:               sr.PlaceLatitude,
		Long:              sr.PlaceLongitude,
	}
}

// statusNotes says where the appeal is in words: the step it waits for, or how it ended — the result of
// consideration, the answer's outgoing number and date, the body it was forwarded to. Never the
// answer's text, which speaks to the author by name.
func (h *handlers) statusNotes(l *i18n.L, sr registry.ServiceRequest) string {
	switch sr.Status {
	case registry.StatusAnswered:
		date := ""
		if sr.AnsweredAt != nil {
			date = sr.AnsweredAt.In(h.Timezone).Format("02.01.2006")
		}
		result := h.Classifier.Results.Name(sr.Result, l.Lang())
		if sr.Result == "" {
			result = l.T("open311.notes.considered")
		}
		return l.Tf("open311.notes.answered", "Result", result, "Number", sr.AnswerOutNumber, "Date", date)
	case registry.StatusForwarded:
		return l.Tf("open311.notes.forwarded", "Body", sr.ForwardedTo)
	}
	return l.T("open311.notes." + sr.Status)
}
