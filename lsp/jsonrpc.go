package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"hardline.dev/hardline/internal/jsonenc"
)

// JSON-RPC 2.0 error codes the server answers with (LSP adds the last two).
const (
	codeParseError           = -32700
	codeInvalidRequest       = -32600
	codeMethodNotFound       = -32601
	codeInvalidParams        = -32602
	codeInternalError        = -32603
	codeServerNotInitialized = -32002
	codeRequestCancelled     = -32800
)

// maxMessage bounds one message's body: a client (or garbage on stdin)
// announcing more is not read into memory.
const maxMessage = 256 << 20

// message is any JSON-RPC message as read: a request has a method and an
// id, a notification a method only, a response an id only.
type message struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *rpcError       `json:"error,omitempty"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// conn is the server's end of a JSON-RPC connection over a byte stream
// with LSP's Content-Length framing. Writes are serialized; calls to the
// client wait for their response, which the read loop routes back.
type conn struct {
	r *bufio.Reader
	w io.Writer

	wmu sync.Mutex

	mu      sync.Mutex
	nextID  int
	pending map[string]chan *message
	closed  bool
}

func newConn(r io.Reader, w io.Writer) *conn {
	return &conn{r: bufio.NewReaderSize(r, 64<<10), w: w, pending: map[string]chan *message{}}
}

// errFraming is a header that is not LSP's; the reader then
// resynchronizes at the next Content-Length header.
var errFraming = errors.New("bad message framing")

const contentLength = "content-length:"

// indexHeader is where the Content-Length header's name starts in s, in any
// case, or -1. It folds ASCII letters only: lowering s whole would turn each
// byte that is not UTF-8 into three, and the index would not be s's.
func indexHeader[T string | []byte](s T) int {
	for i := 0; i+len(contentLength) <= len(s); i++ {
		j := 0
		for j < len(contentLength) && lowerASCII(s[i+j]) == contentLength[j] {
			j++
		}
		if j == len(contentLength) {
			return i
		}
	}
	return -1
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// read returns the next message body; io.EOF ends the stream. Framing
// errors are reported and the stream resynchronized at the next
// Content-Length header: after a wrong Content-Length, say, the server
// answers the messages that follow instead of reading them as garbage.
// An error with a body says what was skipped before that whole message.
func (c *conn) read() ([]byte, error) {
	length, garbage := -1, false
	for {
		line, err := c.line()
		if err != nil {
			return nil, io.EOF
		}
		if line == "" {
			if length >= 0 {
				break // the end of the header block
			}
			continue
		}
		// A header may follow garbage on its line: the rest of a body
		// whose Content-Length was too short, say.
		if i := indexHeader(line); i >= 0 {
			garbage = garbage || i > 0
			n, err := strconv.Atoi(strings.TrimSpace(line[i+len(contentLength):]))
			if err != nil || n < 0 {
				garbage, length = true, -1
				continue
			}
			length = n
			continue
		}
		if name, _, ok := strings.Cut(line, ":"); ok && length >= 0 && isToken(name) {
			continue // another header (Content-Type)
		}
		garbage, length = true, -1
	}
	if length > maxMessage {
		return nil, fmt.Errorf("%w: a message of %d bytes exceeds the %d-byte limit", errFraming, length, maxMessage)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return nil, io.EOF
	}
	// A Content-Length too long swallows the start of the next message:
	// give that back to be read.
	if !json.Valid(body) {
		if i := indexHeader(body); i >= 0 {
			c.unread(body[i:])
			body = body[:i]
		}
	}
	if garbage {
		// The message after the garbage is whole: report and return both.
		return body, fmt.Errorf("%w: skipped bytes that were not a message", errFraming)
	}
	return body, nil
}

// line reads one header line without its line break. Lines longer than
// the buffer (binary garbage) are read in pieces, each a line of its own.
func (c *conn) line() (string, error) {
	b, err := c.r.ReadSlice('\n')
	if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
		if len(b) > 0 && errors.Is(err, io.EOF) {
			return strings.TrimRight(string(b), "\r\n"), nil
		}
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// unread puts b back in front of what is still to be read.
func (c *conn) unread(b []byte) {
	rest := append([]byte(nil), b...)
	c.r = bufio.NewReaderSize(io.MultiReader(bytes.NewReader(rest), c.r), 64<<10)
}

// isToken tells whether a header name is one (RFC 7230 token characters).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

func (c *conn) write(v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.writeBody(body)
}

func (c *conn) writeBody(body []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n", len(body)); err != nil {
		return err
	}
	_, err := c.w.Write(body)
	return err
}

type outRequest struct {
	JSONRPC string `json:"jsonrpc"`
	ID      any    `json:"id,omitempty"`
	Method  string `json:"method"`
	Params  any    `json:"params,omitempty"`
}

type outResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result"`
}

type outError struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   *rpcError       `json:"error"`
}

func (c *conn) notify(method string, params any) error {
	return c.write(outRequest{JSONRPC: "2.0", Method: method, Params: params})
}

// notifyEncoded is notify with params already encoded (appendPublishParams):
// the same bytes as encoding/json writes for outRequest.
func (c *conn) notifyEncoded(method string, params []byte) error {
	body := make([]byte, 0, len(params)+len(method)+48)
	body = jsonenc.AppendString(append(body, `{"jsonrpc":"2.0","method":`...), method)
	body = append(append(append(body, `,"params":`...), params...), '}')
	return c.writeBody(body)
}

func (c *conn) reply(id json.RawMessage, result any) error {
	return c.write(outResponse{JSONRPC: "2.0", ID: id, Result: result})
}

func (c *conn) replyError(id json.RawMessage, code int, msg string) error {
	if id == nil {
		id = json.RawMessage("null")
	}
	return c.write(outError{JSONRPC: "2.0", ID: id, Error: &rpcError{code, msg}})
}

// call sends a request to the client and waits for its response.
func (c *conn) call(ctx context.Context, method string, params, result any) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return io.ErrClosedPipe
	}
	c.nextID++
	id := "hardline-" + strconv.Itoa(c.nextID)
	ch := make(chan *message, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()
	if err := c.write(outRequest{JSONRPC: "2.0", ID: id, Method: method, Params: params}); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case m, ok := <-ch:
		if !ok {
			return io.ErrClosedPipe
		}
		if m.Error != nil {
			return m.Error
		}
		if result != nil && len(m.Result) > 0 {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	}
}

// deliver routes a response to the call waiting for it.
func (c *conn) deliver(m *message) {
	var id string
	if json.Unmarshal(m.ID, &id) != nil {
		return // not one of ours (ours are strings)
	}
	c.mu.Lock()
	ch := c.pending[id]
	c.mu.Unlock()
	if ch != nil {
		ch <- m
	}
}

// close fails every call still waiting: the client is gone.
func (c *conn) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
}
