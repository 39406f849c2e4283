# values without marks; the next steps change only their sensitivity
resource "terraform_data" "whole" {
  input = "x"
}

resource "terraform_data" "attr" {
  input = { k = "v", n = 1 }
}

resource "terraform_data" "element" {
  input = ["p", "q"]
}

resource "terraform_data" "nested" {
  input = { k = "v", j = "w" }
}

resource "terraform_data" "changed" {
  input = "before"
}
