package search

import "bytes"

// The parts of the tokenizer (see html.go) that read past a tag: raw text
// (script, style and the like), comments and declarations. Ported from
// golang.org/x/net/html v0.62.0, token.go, with readComment rewritten.

func (z *tokenizer) readRawOrRCDATA() {
	if z.rawTag == "script" {
		z.readScript()
		z.textIsRaw = true
		z.rawTag = ""
		return
	}
loop:
	for {
		c := z.readByte()
		if z.err {
			break loop
		}
		if c != '<' {
			continue loop
		}
		c = z.readByte()
		if z.err {
			break loop
		}
		if c != '/' {
			z.end--
			continue loop
		}
		if z.readRawEndTag() || z.err {
			break loop
		}
	}
	z.dataEnd = z.end
	z.textIsRaw = z.rawTag != "textarea" && z.rawTag != "title"
	z.rawTag = ""
}

func (z *tokenizer) readRawEndTag() bool {
	for i := 0; i < len(z.rawTag); i++ {
		c := z.readByte()
		if z.err {
			return false
		}
		if c != z.rawTag[i] && c != z.rawTag[i]-('a'-'A') {
			z.end--
			return false
		}
	}
	c := z.readByte()
	if z.err {
		return false
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		z.end -= 3 + len(z.rawTag)
		return true
	}
	z.end--
	return false
}

// readScript is the script data states of the HTML spec, section 13.2.5.
func (z *tokenizer) readScript() {
	defer func() { z.dataEnd = z.end }()
	var c byte

scriptData:
	c = z.readByte()
	if z.err {
		return
	}
	if c == '<' {
		goto scriptDataLessThanSign
	}
	goto scriptData

scriptDataLessThanSign:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '/':
		goto scriptDataEndTagOpen
	case '!':
		goto scriptDataEscapeStart
	}
	z.end--
	goto scriptData

scriptDataEndTagOpen:
	if z.readRawEndTag() || z.err {
		return
	}
	goto scriptData

scriptDataEscapeStart:
	c = z.readByte()
	if z.err {
		return
	}
	if c == '-' {
		goto scriptDataEscapeStartDash
	}
	z.end--
	goto scriptData

scriptDataEscapeStartDash:
	c = z.readByte()
	if z.err {
		return
	}
	if c == '-' {
		goto scriptDataEscapedDashDash
	}
	z.end--
	goto scriptData

scriptDataEscaped:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDash:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDashDash:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataEscaped

scriptDataEscapedLessThanSign:
	c = z.readByte()
	if z.err {
		return
	}
	if c == '/' {
		goto scriptDataEscapedEndTagOpen
	}
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
		goto scriptDataDoubleEscapeStart
	}
	z.end--
	goto scriptData

scriptDataEscapedEndTagOpen:
	if z.readRawEndTag() || z.err {
		return
	}
	goto scriptDataEscaped

scriptDataDoubleEscapeStart:
	z.end--
	for i := 0; i < len("script"); i++ {
		c = z.readByte()
		if z.err {
			return
		}
		if c != "script"[i] && c != "SCRIPT"[i] {
			z.end--
			goto scriptDataEscaped
		}
	}
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		goto scriptDataDoubleEscaped
	}
	z.end--
	goto scriptDataEscaped

scriptDataDoubleEscaped:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDash:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDashDash:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedLessThanSign:
	c = z.readByte()
	if z.err {
		return
	}
	if c == '/' {
		goto scriptDataDoubleEscapeEnd
	}
	z.end--
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapeEnd:
	if z.readRawEndTag() {
		z.end += len("</script>")
		goto scriptDataEscaped
	}
	if z.err {
		return
	}
	goto scriptDataDoubleEscaped
}

// readComment is x/net's, which reads byte by byte with a count of the
// dashes before each; comments can be long, so this one goes from '>' to
// '>' and looks at what precedes each: the comment ends at the first that
// follows only dashes, or "--", or "--!". (After "--!" x/net consumes the
// next byte unexamined; that byte is then not a dash or '>', which the
// look back sees as well.)
func (z *tokenizer) readComment() {
	z.dataStart = z.end
	defer func() {
		if z.dataEnd < z.dataStart {
			z.dataEnd = z.dataStart
		}
	}()
	for {
		i := bytes.IndexByte(z.buf[z.end:], '>')
		if i < 0 {
			z.end = len(z.buf)
			z.err = true
			z.dataEnd = z.abruptCommentDataEnd()
			return
		}
		z.end += i + 1
		d := z.buf[z.dataStart : z.end-1]
		switch {
		case len(bytes.TrimLeft(d, "-")) == 0, bytes.HasSuffix(d, []byte("--")):
			z.dataEnd = z.end - len("-->")
			return
		case bytes.HasSuffix(d, []byte("--!")):
			z.dataEnd = z.end - len("--!>")
			return
		}
	}
}

func (z *tokenizer) abruptCommentDataEnd() int {
	raw := z.buf[z.start:z.end]
	const prefixLen = len("<!--")
	if len(raw) >= prefixLen {
		raw = raw[prefixLen:]
		switch {
		case bytes.HasSuffix(raw, []byte("--!")):
			return z.end - 3
		case bytes.HasSuffix(raw, []byte("--")):
			return z.end - 2
		case bytes.HasSuffix(raw, []byte("-")):
			return z.end - 1
		}
	}
	return z.end
}

func (z *tokenizer) readUntilCloseAngle() {
	z.dataStart = z.end
	if i := bytes.IndexByte(z.buf[z.end:], '>'); i >= 0 {
		z.end += i + 1
		z.dataEnd = z.end - len(">")
		return
	}
	z.end = len(z.buf)
	z.err = true
	z.dataEnd = z.end
}

func (z *tokenizer) readMarkupDeclaration() tokenType {
	z.dataStart = z.end
	var c [2]byte
	for i := 0; i < 2; i++ {
		c[i] = z.readByte()
		if z.err {
			z.dataEnd = z.end
			if i == 1 && c[0] == '>' {
				z.dataEnd--
			}
			return commentToken
		}
	}
	if c[0] == '-' && c[1] == '-' {
		z.readComment()
		return commentToken
	}
	z.end -= 2
	if z.readDoctype() {
		return doctypeToken
	}
	// CDATA sections are allowed only in foreign content, which x/net's
	// Tokenizer does not track unless told (AllowCDATA): they are comments.
	z.readUntilCloseAngle()
	return commentToken
}

func (z *tokenizer) readDoctype() bool {
	const s = "DOCTYPE"
	for i := 0; i < len(s); i++ {
		c := z.readByte()
		if z.err {
			// x/net: io.EOF is not an error here, whatever else is.
			z.end = z.dataStart
			z.err = false
			return false
		}
		if c != s[i] && c != s[i]+('a'-'A') {
			z.end = z.dataStart
			return false
		}
	}
	if z.skipWhiteSpace(); z.err {
		z.dataStart = z.end
		z.dataEnd = z.end
		return true
	}
	z.readUntilCloseAngle()
	return true
}
