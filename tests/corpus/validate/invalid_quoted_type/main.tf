variable "t" {
  type = "string"
}
