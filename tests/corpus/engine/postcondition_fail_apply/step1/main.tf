resource "terraform_data" "before" {
  input = "independent"
}

resource "terraform_data" "checked" {
  input = "abc"

  lifecycle {
    postcondition {
      condition     = self.output == "xyz"
      error_message = "The output is ${self.output}, not xyz."
    }
  }
}

resource "terraform_data" "after" {
  input = terraform_data.checked.output
}
