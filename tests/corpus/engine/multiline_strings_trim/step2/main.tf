resource "terraform_data" "trailing_newline" {
  input = <<EOT

    first
  second	
EOT
}

resource "terraform_data" "one_line" {
  input = "  one\n two  \n"
}

resource "terraform_data" "blank_lines" {
  input = " \n  x\n y \t\n\u00a0\u2003"
}

resource "terraform_data" "go_space" {
  input = "\u001c\n z \n\u00a0\u3000"
}
