resource "terraform_data" "precious" {
  input            = "keep me"
  triggers_replace = "one"

  lifecycle {
    prevent_destroy = true
  }
}

resource "terraform_data" "ordinary" {
  input = "ordinary"
}
