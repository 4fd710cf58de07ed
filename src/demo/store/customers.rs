//! A departed member's customers as the store holds them: the demo's generated ones made again
//! when asked for (`SeededCustomers`), or a directory loaded elsewhere kept as loaded. The
//! store reads them only through these methods, by position or by id.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::records::ItemStates;
use super::Store;
use crate::api::types::{ItemKind, ItemStatus};
use crate::demo::seed::{self, SeedCustomer, SeededCustomers};

pub(super) enum CustomerList {
    Seeded(SeededCustomers),
    Listed {
        customers: Vec<SeedCustomer>,
        /// Built on the first lookup by id.
        by_id: OnceLock<HashMap<String, usize>>,
    },
}

impl CustomerList {
    pub(super) fn listed(customers: Vec<SeedCustomer>) -> CustomerList {
        CustomerList::Listed {
            customers,
            by_id: OnceLock::new(),
        }
    }
}

impl Store {
    fn customer_list(&self, di: usize) -> &CustomerList {
        self.customers[di]
            .get_or_init(|| CustomerList::Seeded(SeededCustomers::of(&self.data.departed[di])))
    }

    /// How many customers departed member `di` has.
    pub(super) fn customer_count(&self, di: usize) -> usize {
        match self.customer_list(di) {
            CustomerList::Seeded(s) => s.len(),
            CustomerList::Listed { customers, .. } => customers.len(),
        }
    }

    /// The id of customer `k` of departed member `di` (`k < customer_count(di)`), without
    /// making the customer.
    pub(super) fn customer_id(&self, di: usize, k: usize) -> Cow<'_, str> {
        match self.customer_list(di) {
            CustomerList::Seeded(_) => {
                Cow::Owned(seed::customer_id(&self.data.departed[di], k as u32))
            }
            CustomerList::Listed { customers, .. } => {
                Cow::Borrowed(customers.get(k).map_or("", |c| c.id.as_str()))
            }
        }
    }

    /// Customer `k` of departed member `di`.
    pub(super) fn customer_at(&self, di: usize, k: usize) -> Option<Cow<'_, SeedCustomer>> {
        match self.customer_list(di) {
            CustomerList::Seeded(s) => s.get(&self.data.departed[di], k).map(Cow::Owned),
            CustomerList::Listed { customers, .. } => customers.get(k).map(Cow::Borrowed),
        }
    }

    /// Where customer `id` is in departed member `di`'s list, if it is theirs.
    pub(super) fn customer_position(&self, di: usize, id: &str) -> Option<usize> {
        match self.customer_list(di) {
            CustomerList::Seeded(_) => {
                seed::customer_position(&self.data.departed[di], id).map(|k| k as usize)
            }
            CustomerList::Listed { customers, by_id } => by_id
                .get_or_init(|| {
                    customers
                        .iter()
                        .enumerate()
                        .map(|(k, c)| (c.id.clone(), k))
                        .collect()
                })
                .get(id)
                .copied(),
        }
    }

    /// Positions of departed member `di`'s customers that WeCom has not handed over yet (a
    /// directory reloaded from WeCom no longer lists those it has).
    pub(super) fn pending_customers<'a>(
        &'a self,
        di: usize,
        states: &'a ItemStates<'a>,
    ) -> impl Iterator<Item = usize> + 'a {
        let none_taken = states.taken_over(ItemKind::Customer) == 0;
        (0..self.customer_count(di)).filter(move |&k| {
            none_taken || !states.is(&self.customer_id(di, k), ItemStatus::TakenOver)
        })
    }

    /// Every customer of departed member `di`, made one at a time.
    pub(super) fn customers_of(&self, di: usize) -> impl Iterator<Item = Cow<'_, SeedCustomer>> {
        (0..self.customer_count(di)).filter_map(move |k| self.customer_at(di, k))
    }
}
