variable "v" {
  validation {
    condition     = true
    error_message = "x"
  }
}
