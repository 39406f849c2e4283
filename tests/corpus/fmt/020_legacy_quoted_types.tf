variable "s" {
  type = "string"
}
variable "l" {
  type = "list"
  default = []
}
variable "m" {
  type    =   "map"
}
variable "bare_list" {
  type = list
}
variable "bare_map" {
  type = map
}
variable "bare_set" {
  type = set
}
variable "other" {
  type = "number"
}
variable "modern" {
  type = list(string)
}
resource "x" "y" {
  type = "string"
  dynamic "z" {
    type = list
  }
}
