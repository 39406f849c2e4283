variable "n" {
  type     = string
  nullable = false
  default  = null
}
