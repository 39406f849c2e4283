variable "n" {
  type = number
  validation {
    condition     = var.n > 0
    error_message = "must be positive"
  }
}
variable "s" {
  type = list(string)
}
resource "terraform_data" "x" {
  count = var.n
}
