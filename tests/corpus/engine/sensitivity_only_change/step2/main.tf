# the same values marked sensitive: an update in place each (terraform compares the
# values with cty Equals, 1.0 equal to 1, then the sensitive paths), written to the
# state without calling the provider; "changed" also changes its value
resource "terraform_data" "whole" {
  input = sensitive("x")
}

resource "terraform_data" "attr" {
  input = { k = sensitive("v"), n = 1.0 }
}

resource "terraform_data" "element" {
  input = [sensitive("p"), "q"]
}

resource "terraform_data" "nested" {
  input = sensitive({ k = sensitive("v"), j = "w" })
}

resource "terraform_data" "changed" {
  input = sensitive("after")
}
