variable "t" {
  type = optional(string)
}
