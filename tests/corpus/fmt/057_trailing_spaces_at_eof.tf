locals {
  a = 1
}
   	 