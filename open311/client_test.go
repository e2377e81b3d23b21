package open311_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// geoClient is a GeoReport v2 client written from the specification (wiki.open311.org/GeoReport_v2),
// not from this package's handlers: its types use the field names the specification gives, and it
// speaks to the server over HTTP only, in JSON or XML.
type geoClient struct {
	t      *testing.T
	base   string // the endpoint's url as discovery gives it
	apiKey string
	http   *http.Client
}

// Discovery (Service Discovery page of the specification).
type geoDiscovery struct {
	Changeset  string `json:"changeset" xml:"changeset"`
	Contact    string `json:"contact" xml:"contact"`
	KeyService string `json:"key_service" xml:"key_service"`
	Endpoints  []struct {
		Specification string   `json:"specification" xml:"specification"`
		URL           string   `json:"url" xml:"url"`
		Changeset     string   `json:"changeset" xml:"changeset"`
		Type          string   `json:"type" xml:"type"`
		Formats       []string `json:"formats" xml:"formats>format"`
	} `json:"endpoints" xml:"endpoints>endpoint"`
}

// GET Service List.
type geoService struct {
	ServiceCode string `json:"service_code" xml:"service_code"`
	ServiceName string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"` // realtime, batch, blackbox
	Keywords    string `json:"keywords" xml:"keywords"`
	Group       string `json:"group" xml:"group"`
}

// GET Service Definition.
type geoDefinition struct {
	ServiceCode string `json:"service_code" xml:"service_code"`
	Attributes  []struct {
		Variable            bool   `json:"variable" xml:"variable"`
		Code                string `json:"code" xml:"code"`
		Datatype            string `json:"datatype" xml:"datatype"`
		Required            bool   `json:"required" xml:"required"`
		DatatypeDescription string `json:"datatype_description" xml:"datatype_description"`
		Order               int    `json:"order" xml:"order"`
		Description         string `json:"description" xml:"description"`
	} `json:"attributes" xml:"attributes>attribute"`
}

// POST Service Request response.
type geoCreated struct {
	ServiceRequestID string `json:"service_request_id" xml:"service_request_id"`
	Token            string `json:"token" xml:"token"`
	ServiceNotice    string `json:"service_notice" xml:"service_notice"`
	AccountID        string `json:"account_id" xml:"account_id"`
}

// GET Service Requests / GET Service Request.
type geoRequest struct {
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"` // open, closed
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime" xml:"expected_datetime"`
	Address           string   `json:"address" xml:"address"`
	AddressID         string   `json:"address_id" xml:"address_id"`
	Zipcode           string   `json:"zipcode" xml:"zipcode"`
	Lat               *float64 `json:"lat" xml:"lat"`
	Long              *float64 `json:"long" xml:"long"`
	MediaURL          string   `json:"media_url" xml:"media_url"`
}

// Errors: a list of {code, description}.
type geoError struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// geoResponse is an answer as the client got it.
type geoResponse struct {
	Status      int
	ContentType string
	Body        []byte
}

func (c *geoClient) do(method, path string, query, form url.Values) geoResponse {
	c.t.Helper()
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", "uk")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return geoResponse{Status: res.StatusCode, ContentType: res.Header.Get("Content-Type"), Body: data}
}

// decode reads a response in its format into v; XML lists are read through their root element.
func (c *geoClient) decode(r geoResponse, v any) {
	c.t.Helper()
	var err error
	switch {
	case strings.HasPrefix(r.ContentType, "application/json"):
		err = json.Unmarshal(r.Body, v)
	case strings.HasPrefix(r.ContentType, "text/xml"):
		if !strings.HasPrefix(string(r.Body), `<?xml version="1.0" encoding="UTF-8"?>`) {
			c.t.Errorf("XML without its declaration: %.80s", r.Body)
		}
		err = xml.Unmarshal(r.Body, v)
	default:
		err = fmt.Errorf("content type %q", r.ContentType)
	}
	if err != nil {
		c.t.Fatalf("%v: %s", err, r.Body)
	}
}

func (c *geoClient) ok(r geoResponse, what string) {
	c.t.Helper()
	if r.Status/100 != 2 {
		c.t.Fatalf("%s: %d %s", what, r.Status, r.Body)
	}
}

func (c *geoClient) discovery(format string) geoDiscovery {
	r := c.do(http.MethodGet, "/discovery."+format, nil, nil)
	c.ok(r, "discovery")
	var d geoDiscovery
	c.decode(r, &d)
	return d
}

func (c *geoClient) services() []geoService {
	r := c.do(http.MethodGet, "/services.json", nil, nil)
	c.ok(r, "services")
	var list []geoService
	c.decode(r, &list)
	return list
}

func (c *geoClient) servicesXML() []geoService {
	r := c.do(http.MethodGet, "/services.xml", nil, nil)
	c.ok(r, "services.xml")
	var doc struct {
		Services []geoService `xml:"service"`
	}
	c.decode(r, &doc)
	return doc.Services
}

func (c *geoClient) definition(code string) geoDefinition {
	r := c.do(http.MethodGet, "/services/"+url.PathEscape(code)+".json", nil, nil)
	c.ok(r, "service definition")
	var d geoDefinition
	c.decode(r, &d)
	return d
}

// post files a request with the api_key; it returns the created request or the errors and the status.
func (c *geoClient) post(format string, fields url.Values) ([]geoCreated, []geoError, int) {
	c.t.Helper()
	v := url.Values{}
	for k, vals := range fields {
		v[k] = vals
	}
	if c.apiKey != "" {
		v.Set("api_key", c.apiKey)
	}
	r := c.do(http.MethodPost, "/requests."+format, nil, v)
	if r.Status/100 != 2 {
		return nil, c.errorsOf(r), r.Status
	}
	if format == "xml" {
		var doc struct {
			Requests []geoCreated `xml:"request"`
		}
		c.decode(r, &doc)
		return doc.Requests, nil, r.Status
	}
	var out []geoCreated
	c.decode(r, &out)
	return out, nil, r.Status
}

func (c *geoClient) errorsOf(r geoResponse) []geoError {
	c.t.Helper()
	if strings.HasPrefix(r.ContentType, "text/xml") {
		var doc struct {
			Errors []geoError `xml:"error"`
		}
		c.decode(r, &doc)
		return doc.Errors
	}
	var list []geoError
	c.decode(r, &list)
	return list
}

// requests lists requests with the specification's filters; a 4xx gives the errors.
func (c *geoClient) requests(format string, q url.Values) ([]geoRequest, []geoError, int) {
	r := c.do(http.MethodGet, "/requests."+format, q, nil)
	if r.Status/100 != 2 {
		return nil, c.errorsOf(r), r.Status
	}
	if format == "xml" {
		var doc struct {
			Requests []geoRequest `xml:"request"`
		}
		c.decode(r, &doc)
		return doc.Requests, nil, r.Status
	}
	var list []geoRequest
	c.decode(r, &list)
	return list, nil, r.Status
}

func (c *geoClient) request(id string) ([]geoRequest, int) {
	r := c.do(http.MethodGet, "/requests/"+url.PathEscape(id)+".json", nil, nil)
	if r.Status/100 != 2 {
		return nil, r.Status
	}
	var list []geoRequest
	c.decode(r, &list)
	return list, r.Status
}
