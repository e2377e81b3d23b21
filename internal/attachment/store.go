// Package attachment stores uploaded files outside the web root, named by their SHA-256, after checking
// their type by content (not by name) and their size. Domain packages keep the rows that point here.
package attachment

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hromada/hromada/internal/errs"
)

// Allowed content types, as sniffed from the first bytes of the file.
var allowed = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// ErrType and ErrTooLarge are returned for files that must be refused.
var (
	ErrType     = errors.New("file type not allowed")
	ErrTooLarge = errors.New("file too large")
)

// Store keeps files in a directory.
type Store struct {
	dir      string
	maxBytes int64
}

// NewStore creates the directory when missing.
func NewStore(dir string, maxBytes int64) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("attachment directory: %w", err)
	}
	return &Store{dir: dir, maxBytes: maxBytes}, nil
}

// MaxBytes is the largest file accepted.
func (s *Store) MaxBytes() int64 { return s.maxBytes }

// Saved describes a stored file.
type Saved struct {
	SHA256      string
	Size        int64
	ContentType string
}

// Sniff returns the content type of the file's first bytes, or ErrType when it is not allowed.
func Sniff(head []byte) (string, error) {
	ct := http.DetectContentType(head)
	if !allowed[ct] {
		return "", ErrType
	}
	return ct, nil
}

// Save checks and stores r. The file is written to a temporary name, synced and renamed, so a crash
// never leaves a half-written file under a real hash. Identical files are stored once.
func (s *Store) Save(r io.Reader) (Saved, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Saved{}, err
	}
	ct, err := Sniff(head[:n])
	if err != nil {
		return Saved{}, err
	}
	tmp, err := os.CreateTemp(s.dir, ".upload-*")
	if err != nil {
		return Saved{}, err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	h := sha256.New()
	w := io.MultiWriter(tmp, h)
	// Read one byte past the limit to tell "exactly the limit" from "too large".
	size, err := io.Copy(w, io.LimitReader(io.MultiReader(bytes.NewReader(head[:n]), r), s.maxBytes+1))
	if err != nil {
		tmp.Close()
		return Saved{}, err
	}
	if size > s.maxBytes {
		tmp.Close()
		return Saved{}, ErrTooLarge
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return Saved{}, err
	}
	if err := tmp.Close(); err != nil {
		return Saved{}, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	final := s.path(sum)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return Saved{}, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Saved{}, err
	}
	return Saved{SHA256: sum, Size: size, ContentType: ct}, nil
}

var hexName = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Open returns the stored file with the hash.
func (s *Store) Open(sum string) (*os.File, error) {
	if !hexName.MatchString(sum) {
		return nil, os.ErrNotExist
	}
	return os.Open(s.path(sum))
}

func (s *Store) path(sum string) string { return filepath.Join(s.dir, sum[:2], sum) }

// Upload is a file as it arrives with a form.
type Upload struct {
	Name string
	Size int64
	Open func() (io.ReadCloser, error)
}

// SaveUpload opens, checks and stores an upload. A file refused for its type or size is an Invalid
// error on the form's field.
func (s *Store) SaveUpload(up Upload, field string) (Saved, error) {
	r, err := up.Open()
	if err != nil {
		return Saved{}, err
	}
	defer r.Close()
	saved, err := s.Save(r)
	switch {
	case errors.Is(err, ErrType):
		return saved, &errs.Error{Code: errs.Invalid, Message: "error.form_invalid", Fields: map[string]string{field: "appeal.error.file_type"}}
	case errors.Is(err, ErrTooLarge):
		return saved, &errs.Error{Code: errs.Invalid, Message: "error.form_invalid", Fields: map[string]string{field: "appeal.error.file_too_large"}}
	}
	return saved, err
}

// CleanName keeps a file's base name, visible, at most 200 characters: it is shown and sent back in
// Content-Disposition. Only graphic characters stay (letters, marks, digits, punctuation, symbols and
// spaces), so control characters go and so do the invisible ones: Unicode format characters (category
// Cf: the bidi overrides and isolates U+202A–202E and U+2066–2069, zero-width U+200B–200D, the byte order
// mark U+FEFF, the soft hyphen ...) would let "inv\u202Efdp.exe" show as "invexe.pdf"; line and paragraph
// separators would break the line it is shown on; private-use and unassigned code points show as nothing
// or a box; the other default-ignorable letters (Hangul fillers and the like) are blanks that pass for
// letters. Invalid UTF-8 becomes U+FFFD.
func CleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r == '"' || !unicode.IsGraphic(r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, "\uFFFD"))
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	if name == "" {
		name = "file"
	}
	return name
}

// Sweep removes the stored files that nothing points to any longer: an upload whose form was refused or
// abandoned, the files of a draft that was never sent. A file is a candidate when it was last written
// before cutoff (Save renames a fresh copy over an identical file, so a file saved again is new); inUse,
// given a batch of candidates' hashes, answers which of them a row still names. A candidate is first
// moved aside, then looked at again: one written meanwhile (a Save between the check and the move) is
// new, and is put back — identical content under its own hash, so putting it back is always right.
// It returns how many files it removed.
func (s *Store) Sweep(cutoff time.Time, inUse func(sums []string) (map[string]bool, error)) (int, error) {
	var old []string
	err := filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		} else if err != nil {
			return err
		}
		name := d.Name()
		switch {
		case hexName.MatchString(name) && info.ModTime().Before(cutoff):
			old = append(old, name)
		case strings.HasPrefix(name, ".sweep-") && hexName.MatchString(name[len(".sweep-"):]):
			// A sweep stopped between moving a file aside and removing it: put it back for the check.
			return os.Rename(path, s.path(name[len(".sweep-"):]))
		case strings.HasPrefix(name, ".upload-") && info.ModTime().Before(cutoff):
			return os.Remove(path) // a Save that stopped before its rename
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sweep attachments: %w", err)
	}
	removed := 0
	for batch := range slices.Chunk(old, 500) {
		used, err := inUse(batch)
		if err != nil {
			return removed, fmt.Errorf("sweep attachments: %w", err)
		}
		for _, sum := range batch {
			if used[sum] {
				continue
			}
			gone, err := s.removeUnlessNew(sum, cutoff)
			if err != nil {
				return removed, fmt.Errorf("sweep attachments: %w", err)
			}
			if gone {
				removed++
			}
		}
	}
	return removed, nil
}

// removeUnlessNew removes the file sum unless it was written at or after cutoff.
func (s *Store) removeUnlessNew(sum string, cutoff time.Time) (bool, error) {
	aside := filepath.Join(s.dir, ".sweep-"+sum)
	if err := os.Rename(s.path(sum), aside); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	info, err := os.Stat(aside)
	if err != nil {
		return false, err
	}
	if !info.ModTime().Before(cutoff) {
		return false, os.Rename(aside, s.path(sum))
	}
	return true, os.Remove(aside)
}
