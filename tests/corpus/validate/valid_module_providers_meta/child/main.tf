terraform {
  required_version = "~> 1.11"
}
variable "label" {
  type = string
  validation {
    condition     = length(var.label) > 0
    error_message = "empty"
  }
}
output "label" {
  value = upper(var.label)
}
