package site

import (
	"path"
	"sort"
	"strings"
)

// Course is a folder with an index.md. Its lectures are the other pages in
// that folder, in order; nothing about the structure is written by hand.
type Course struct {
	Index    *Page
	Lectures []*Page
}

// Title is the course index page's title.
func (c *Course) Title() string { return c.Index.Title }

// URL is where the course index is served.
func (c *Course) URL() string { return c.Index.URL }

// linkCourses finds the courses among pages, orders their lectures and links
// each lecture to its course and neighbours. The site root's index.md is the
// home page, not a course.
func linkCourses(pages []*Page) []*Course {
	byDir := map[string]*Course{}
	var courses []*Course
	for _, p := range pages {
		if path.Base(p.Src) == "index.md" && path.Dir(p.Src) != "." {
			c := &Course{Index: p}
			byDir[path.Dir(p.Src)] = c
			courses = append(courses, c)
			p.Course = c
		}
	}
	for _, p := range pages {
		if p.Course != nil {
			continue
		}
		if c, ok := byDir[path.Dir(p.Src)]; ok {
			c.Lectures = append(c.Lectures, p)
			p.Course = c
		}
	}
	for _, c := range courses {
		sort.SliceStable(c.Lectures, func(i, j int) bool { return lectureLess(c.Lectures[i], c.Lectures[j]) })
		for i, p := range c.Lectures {
			p.Number = i + 1
			if i > 0 {
				p.Prev = c.Lectures[i-1]
			}
			if i+1 < len(c.Lectures) {
				p.Next = c.Lectures[i+1]
			}
		}
	}
	sort.Slice(courses, func(i, j int) bool { return courses[i].Index.Src < courses[j].Index.Src })
	return courses
}

// lectureLess orders lectures: first those with a lecture: number, by
// number; then those whose date is made of digits (2021_1119), by date; then
// the rest. Ties, and the rest, go by file name with numbers compared as
// numbers (lect2 before lect10). Grouping first keeps the order total even
// when only some pages have numbers or dates.
func lectureLess(a, b *Page) bool {
	ga, gb := orderGroup(a), orderGroup(b)
	if ga != gb {
		return ga < gb
	}
	switch ga {
	case 0:
		if a.Lecture != b.Lecture {
			return a.Lecture < b.Lecture
		}
	case 1:
		if da, db := digitsOf(a.Date), digitsOf(b.Date); da != db {
			if len(da) != len(db) {
				return len(da) < len(db)
			}
			return da < db
		}
	}
	return naturalLess(path.Base(a.Src), path.Base(b.Src))
}

func orderGroup(p *Page) int {
	switch {
	case p.Lecture > 0:
		return 0
	case digitsOf(p.Date) != "":
		return 1
	}
	return 2
}

// digitsOf returns the digits of a date written only with digits and
// separators ("2021_1119", "2025-10-17"); "" for anything else
// ("Oct.-29-2015閲覧"), which then does not take part in ordering.
func digitsOf(date string) string {
	var b strings.Builder
	for _, r := range date {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '_' || r == '-' || r == '/' || r == '.' || r == ' ':
		default:
			return ""
		}
	}
	if b.Len() < 6 {
		return ""
	}
	return b.String()
}

// naturalLess compares strings with runs of digits compared by value.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		ca, cb := a[0], b[0]
		if isDigit(ca) && isDigit(cb) {
			na, ra := digitRun(a)
			nb, rb := digitRun(b)
			na, nb = strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = ra, rb
			continue
		}
		if ca != cb {
			return ca < cb
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitRun(s string) (run, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}
