variable "size" {
  type    = number
  default = 30
}

resource "terraform_data" "ok" {
  input = "fine"
}

resource "terraform_data" "sized" {
  input = var.size

  lifecycle {
    precondition {
      condition     = var.size < 10
      error_message = "The size ${var.size} is too big."
    }
  }
}
