variable "t" {
  type = list(string, number)
}
