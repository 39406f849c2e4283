# terraform's plan renderer shows a multi-line string as a heredoc of its lines after
# strings.TrimSpace: blank lines and white space around it, and the first line's
# indentation, are not shown; a one-line string is shown as it is
resource "terraform_data" "trailing_newline" {
  input = "line\n"
}

resource "terraform_data" "one_line" {
  input = "  one  "
}

resource "terraform_data" "blank_lines" {
  input = "\n\n  x\n y \t\n\n"
}

resource "terraform_data" "go_space" {
  # U+001C is white space to Python's str.strip, not to Go's strings.TrimSpace
  input = "\u001c\n z \n\u00a0"
}
