# the marks removed again: "will no longer be marked as sensitive"; "nested" keeps
# the outer mark and drops the inner one, still a change of its sensitive paths
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
  input = sensitive({ k = "v", j = "w" })
}

resource "terraform_data" "changed" {
  input = "after"
}
