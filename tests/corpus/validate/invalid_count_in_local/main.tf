locals {
  a = count.index
}
