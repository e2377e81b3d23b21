package api

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPIDocument is the API's contract (OpenAPI 3.1), written by hand and checked against the real
// requests and responses in the tests (libopenapi-validator).
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPI returns the document, for tests and tools.
func OpenAPI() []byte { return openAPIDocument }

// openAPI serves the document; it is public and the same for everyone.
func (h *handlers) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(openAPIDocument)
}
