resource "terraform_data" "a" {
  input = 5
  lifecycle {
    precondition {
      condition     = terraform_data.a.input == 5
      error_message = "five"
    }
    postcondition {
      condition     = self.input == 5
      error_message = "is ${terraform_data.a.input}"
    }
  }
}
